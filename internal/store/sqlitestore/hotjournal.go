package sqlitestore

import (
	"errors"
	"io/fs"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// hotJournal reports whether err is SQLite refusing a read-only connection
// because a -journal next to the database says a write was interrupted.
func hotJournal(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrReadonlyRollback
}

// RemoveOrphanSidecars removes the -wal, -shm and -journal files named
// after db when db itself does not exist: a database about to be put under
// that name must never meet another database's journal, which SQLite would
// replay into it at its first opening. Next to an existing database they
// are left alone (they may be its own).
func RemoveOrphanSidecars(db string) {
	if _, err := os.Lstat(db); errors.Is(err, fs.ErrNotExist) {
		removeSidecars(db)
	}
}

package sqlitestore

import (
	"context"
	"errors"
	"io/fs"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var msgHotJournal = &i18n.Message{ID: "SQLiteJournalInterrompu", Other: "Le dossier « {{.Path}} » a une écriture interrompue (fichier -journal à côté de la base) que SQLite doit annuler avant toute lecture, et Coffre n'a pas le droit d'écrire dans ce dossier pour le faire. Ouvrez une fois le dossier dans le logiciel de gestion, puis recommencez."}

// hotJournal reports whether err is SQLite refusing a read-only connection
// because a -journal next to the database says a write was interrupted.
func hotJournal(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrReadonlyRollback
}

// recoverHotJournal lets SQLite finish what a crashed writer left: it rolls
// the interrupted transaction back (or, for a journal that is not one —
// garbage, an empty header — discards it without touching the database),
// exactly as the management software would at its next start. Without it
// no read-only snapshot can be taken, and reading the file raw would copy
// half a transaction.
func recoverHotJournal(ctx context.Context, path string) error {
	db, err := OpenRW(path)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return i18n.E(msgHotJournal, map[string]any{"Path": path}, errors.Join(dossier.ErrInUse, err))
	}
	return nil
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

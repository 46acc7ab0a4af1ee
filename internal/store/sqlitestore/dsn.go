package sqlitestore

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the sqlite3 database/sql driver
)

var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// DSN builds a go-sqlite3 URI for path with the given query parameters, so
// that file names holding '?', '#' or '%' open the right file.
func DSN(path, params string) string {
	p, err := filepath.Abs(path)
	if err != nil {
		p = path
	}
	s := fileURI(p, runtime.GOOS == "windows")
	if params != "" {
		s += "?" + params
	}
	return s
}

// fileURI is the file: URI of the absolute path p, a Windows path when
// windows. SQLite takes what follows « file:// » up to the next slash as
// an authority, which must be empty: a UNC path (\\serveur\compta\…, a
// connexion on a file server) is written file:////serveur/compta/… —
// written file://serveur/… it failed with « invalid uri authority:
// serveur ». A \\?\ prefix (long paths) is dropped: SQLite's Windows VFS
// makes its own, and the prefix only works with backslashes.
func fileURI(p string, windows bool) string {
	if windows {
		switch {
		case len(p) >= 8 && strings.EqualFold(p[:8], `\\?\UNC\`):
			p = `\\` + p[8:]
		case strings.HasPrefix(p, `\\?\`), strings.HasPrefix(p, `\\.\`):
			p = p[4:]
		}
		p = strings.ReplaceAll(p, `\`, "/")
		switch {
		case strings.HasPrefix(p, "//"):
			p = "//" + p // UNC: empty authority, then //serveur/partage/…
		case !strings.HasPrefix(p, "/"):
			p = "/" + p // C:/… → /C:/…
		}
	} else {
		p = filepath.ToSlash(p)
	}
	return "file:" + uriEscaper.Replace(p)
}

// OpenRO opens the database at path read-only, waiting up to 10 s when the
// management software holds a write lock.
func OpenRO(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", DSN(path, "mode=ro&_busy_timeout=10000"))
}

// OpenRW opens the database at path for writing (it must exist), with
// foreign keys enforced.
func OpenRW(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", DSN(path, "mode=rw&_busy_timeout=10000&_foreign_keys=on"))
}

// SetRollbackJournal puts the database at path in rollback-journal (DELETE)
// mode, the mode a new database Coffre writes starts in.
func SetRollbackJournal(ctx context.Context, path string) error {
	return SetJournalMode(ctx, path, "")
}

// SetJournalMode puts the database at path in WAL mode when mode is "wal"
// (what a backup's manifest records for a WAL source), in rollback-journal
// (DELETE) mode otherwise. The -wal file is checkpointed and removed when
// the connection closes: only the file's header keeps the mode.
func SetJournalMode(ctx context.Context, path, mode string) error {
	db, err := sql.Open("sqlite3", DSN(path, "mode=rw"))
	if err != nil {
		return err
	}
	defer db.Close()
	pragma := "PRAGMA journal_mode=DELETE"
	if strings.EqualFold(mode, "wal") {
		pragma = "PRAGMA journal_mode=WAL"
	}
	var got string
	if err := db.QueryRowContext(ctx, pragma).Scan(&got); err != nil {
		return err
	}
	return db.Close()
}

package odbcstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
)

var errBadConn = driver.ErrBadConn

var msgNoFolder = &i18n.Message{ID: "ODBCSQLiteDossierAbsent", Other: "Le dossier « {{.Path}} » (Database= de la connexion SQLite) n'existe pas."}

// catalog is where a connexion's databases live: a server's databases, or
// the files of a folder for SQLite reached through its ODBC driver.
type catalog interface {
	list(ctx context.Context) (map[string]int64, error)
	create(ctx context.Context, name string) error
	drop(ctx context.Context, name string) error
	rename(ctx context.Context, from, to string) error
	conn(name string) odbcconn.ConnString
	sessions(ctx context.Context, name string) ([]dossier.Session, error)
	disconnect(ctx context.Context, name string) error
	lock(ctx context.Context, key int64) (func(), bool, error)
}

// serverCatalog runs the dialect's statements on the maintenance database.
type serverCatalog struct{ s *Store }

func (c *serverCatalog) list(ctx context.Context) (map[string]int64, error) {
	return c.s.d.Databases(ctx, c.s.maint)
}

func (c *serverCatalog) exec(ctx context.Context, stmts []string) error {
	for _, q := range stmts {
		if _, err := c.s.maint.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (c *serverCatalog) create(ctx context.Context, name string) error {
	return c.exec(ctx, c.s.d.CreateDatabase(name))
}
func (c *serverCatalog) drop(ctx context.Context, name string) error {
	return c.exec(ctx, c.s.d.DropDatabase(name))
}
func (c *serverCatalog) rename(ctx context.Context, from, to string) error {
	return c.exec(ctx, c.s.d.RenameDatabase(from, to))
}
func (c *serverCatalog) conn(name string) odbcconn.ConnString { return c.s.cs.With("Database", name) }
func (c *serverCatalog) sessions(ctx context.Context, name string) ([]dossier.Session, error) {
	return c.s.d.Sessions(ctx, c.s.maint, name)
}
func (c *serverCatalog) disconnect(ctx context.Context, name string) error {
	return c.s.d.Disconnect(ctx, c.s.maint, name)
}
func (c *serverCatalog) lock(ctx context.Context, key int64) (func(), bool, error) {
	return c.s.serverLock(ctx, key)
}

// folderCatalog: SQLite through its ODBC driver. Database= names a folder;
// each dossier is a file in it (001SOC.db), opened through the driver.
type folderCatalog struct {
	s   *Store
	dir string
}

func (c *folderCatalog) check() error {
	fi, err := os.Stat(c.dir)
	if err != nil || !fi.IsDir() {
		return i18n.E(msgNoFolder, map[string]any{"Path": c.dir}, dossier.ErrNotFound)
	}
	return nil
}

func (c *folderCatalog) path(name string) string { return filepath.Join(c.dir, name+dossier.ExtDB) }

func (c *folderCatalog) list(ctx context.Context) (map[string]int64, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), dossier.ExtDB) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			out[strings.TrimSuffix(e.Name(), dossier.ExtDB)] = fi.Size()
		}
	}
	return out, nil
}

// create makes the empty file: the driver would create it on connect, but
// only once Coffre has decided it should exist.
func (c *folderCatalog) create(ctx context.Context, name string) error {
	f, err := os.OpenFile(c.path(name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

func (c *folderCatalog) drop(ctx context.Context, name string) error {
	for _, sfx := range []string{"", "-journal", "-wal", "-shm"} {
		if err := os.Remove(c.path(name) + sfx); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (c *folderCatalog) rename(ctx context.Context, from, to string) error {
	if err := os.Rename(c.path(from), c.path(to)); err != nil {
		return err
	}
	return fsutil.SyncDir(c.dir)
}

func (c *folderCatalog) conn(name string) odbcconn.ConnString {
	return c.s.cs.With("Database", c.path(name))
}

// A file has no server sessions; the dossier's own sessions table says who
// has it open.
func (c *folderCatalog) sessions(context.Context, string) ([]dossier.Session, error) { return nil, nil }
func (c *folderCatalog) disconnect(context.Context, string) error                    { return nil }

func (c *folderCatalog) lock(ctx context.Context, key int64) (func(), bool, error) {
	unlock, err := fsutil.Lock(filepath.Join(c.dir, ".coffre-verrou"), key)
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, false, nil
	}
	return unlock, err == nil, err
}

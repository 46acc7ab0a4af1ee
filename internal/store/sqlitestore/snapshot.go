package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	sqlite3 "github.com/mattn/go-sqlite3"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
)

var (
	msgOpen      = &i18n.Message{ID: "SQLiteOuverture", Other: "Impossible de lire la base « {{.Path}} » : {{.Detail}}"}
	msgNotSQLite = &i18n.Message{ID: "SQLitePasUneBase", Other: "« {{.Path}} » n'est pas une base SQLite lisible."}
)

// snapshot is one consistent view of a dossier. Without SnapshotOptions.Copy
// it holds a read transaction on the dossier for its whole life, and the
// stats, the sessions and the image all come from it. With Copy, a private
// copy is taken in steps (stepCopy, backupCopy) and everything is read from
// that copy: the dossier itself is no longer locked at all.
type snapshot struct {
	path     string    // the dossier
	view     *ReadView // the dossier (or its rolled-back private copy), while open
	notes    []i18n.Note
	id       dossier.Identity
	schema   string
	tables   []string
	conn     *sql.Conn      // on view: the live read transaction
	q        ledger.Querier // what stats and queries read
	wal      bool
	tempDir  string
	file     *os.File         // the raw file, read under the transaction's lock
	tempCopy *fsutil.TempFile // WAL mode without Copy: the backup-API copy
	private  string           // with Copy: the private copy, read-only
	priv     *sql.DB          // on private
	done     func()           // removes the private copy's folder
	restarts int              // how often the stepped copy started over
	copyDir  string           // where the private copy goes
}

var msgNoRoomForCopy = &i18n.Message{ID: "NotePasDePlaceCopie", Other: "Pas assez de place pour la copie privée du dossier {{.Dossier}}, ni dans le dossier de destination ni dans le dossier temporaire : la sauvegarde l'a lu directement, et le logiciel de gestion ne pouvait pas enregistrer pendant ce temps."}

// roomForCopy is where a private copy of the dossier fits: the snapshot's
// temp folder, else the OS temp folder; "" when neither has room.
func (s *snapshot) roomForCopy() string {
	var need int64
	for _, sfx := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + sfx); err == nil {
			need += fi.Size()
		}
	}
	need += need/64 + 1<<20
	for _, dir := range []string{s.tempDir, os.TempDir()} {
		if dir == "" {
			continue
		}
		if free, err := fsutil.FreeSpace(dir); err != nil || free >= need {
			return dir
		}
	}
	return ""
}

// SnapshotFile opens a consistent read view of the SQLite database at path.
// In rollback-journal mode the file itself is read while the transaction's
// shared lock keeps writers from committing; in WAL mode the online backup
// API copies it to a temp file within the same read transaction. With
// opt.Copy, a private copy is taken first and read instead (see snapshot).
func SnapshotFile(ctx context.Context, path string, opt store.SnapshotOptions) (store.Snapshot, error) {
	if fi, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, dossier.ErrNotFound)
		}
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, i18n.E(msgNotSQLite, map[string]any{"Path": path}, dossier.ErrNotFound)
	}
	v, err := OpenReadOnly(ctx, path, opt.TempDir)
	if err != nil {
		return nil, err
	}
	s := &snapshot{path: path, view: v, notes: v.Notes, tempDir: opt.TempDir}
	if err := s.open(ctx, opt); err != nil {
		s.Close()
		return nil, mapErr(path, err)
	}
	return s, nil
}

// Notes say what was found beside the dossier (a journal, a WAL) and what
// the snapshot did about it.
func (s *snapshot) Notes() []i18n.Note { return s.notes }

// Restarts is how often the stepped private copy started over because the
// management software committed meanwhile.
func (s *snapshot) Restarts() int { return s.restarts }

func (s *snapshot) open(ctx context.Context, opt store.SnapshotOptions) error {
	conn, err := s.view.DB.Conn(ctx)
	if err != nil {
		return err
	}
	s.conn = conn
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	s.wal = strings.EqualFold(mode, "wal")
	if opt.Copy && !s.view.Private {
		s.copyDir = s.roomForCopy()
		if s.copyDir == "" {
			s.notes = append(s.notes, i18n.NewNote(msgNoRoomForCopy, map[string]any{"Dossier": filepath.Base(s.path)}))
		}
	}
	if opt.Copy && (s.view.Private || s.copyDir != "") {
		if err := s.copyOut(ctx, opt.Progress); err != nil {
			return err
		}
		s.q = s.priv
		s.releaseLive()
	} else {
		// A plain BEGIN (not database/sql's Tx) keeps the connection usable
		// for conn.Raw and queries while SQLite holds the transaction.
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		s.q = conn
	}
	return s.describe(ctx)
}

// copyOut takes the private copy and lets go of the dossier.
func (s *snapshot) copyOut(ctx context.Context, progress dossier.Progress) error {
	label := strings.TrimSuffix(filepath.Base(s.path), dossier.ExtDB)
	report := func(done, total int64) {
		progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: label, Done: done, Total: total})
	}
	if s.view.Private {
		// Already a copy nobody else writes (a journal rolled back).
		s.private = s.view.File
	} else {
		sweepPrivate(s.copyDir)
		folder, done, err := privateFolder(s.copyDir)
		if err != nil {
			return err
		}
		s.done = done
		s.private = filepath.Join(folder, filepath.Base(s.path))
		if s.wal {
			err = backupCopy(ctx, s.conn, s.private)
		} else {
			err = s.rollbackCopy(ctx, report)
		}
		if err != nil {
			return err
		}
	}
	db, err := sql.Open("sqlite3", DSN(s.private, "mode=ro&immutable=1"))
	if err != nil {
		return err
	}
	s.priv = db
	return nil
}

func (s *snapshot) rollbackCopy(ctx context.Context, report func(done, total int64)) error {
	live, err := os.Open(s.path)
	if err != nil {
		return err
	}
	// Closing a descriptor drops every POSIX lock this process holds on the
	// file, SQLite's included: it is closed once the copy is done.
	s.file = live
	dst, err := os.OpenFile(s.private, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, s.restarts, err = stepCopy(ctx, s.conn, live, dst, report)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *snapshot) describe(ctx context.Context) error {
	var err error
	if s.tables, err = Tables(ctx, s.q); err != nil {
		return err
	}
	// Refused before anything is read: a table this build cannot open.
	if err := CheckModules(ctx, s.q, s.path); err != nil {
		return err
	}
	if ledger.IsV1(s.tables) {
		s.schema = "v1"
		var siren, devise sql.NullString
		var version sql.NullInt64
		err := s.q.QueryRowContext(ctx, "SELECT numero, nom, raison_sociale, siren, devise, identifiant, version_schema FROM dossier LIMIT 1").
			Scan(&s.id.Numero, &s.id.Nom, &s.id.RaisonSociale, &siren, &devise, &s.id.Identifiant, &version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		s.id.SIREN, s.id.Devise, s.id.VersionSchema = siren.String, devise.String, int(version.Int64)
	}
	s.id = s.id.InFile(filepath.Base(s.path))
	return nil
}

// PGMetaTable, in the image of a PostgreSQL base, holds its structure
// (internal/store/odbcstore): Coffre's, not the dossier's.
const PGMetaTable = "coffre_schema_postgresql"

// Tables lists the user tables of the database seen through q. The
// structure of a PostgreSQL base, kept in its image (PGMetaTable), is not
// one of them.
func Tables(ctx context.Context, q ledger.Querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '"+PGMetaTable+"' ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (s *snapshot) Identity() dossier.Identity { return s.id }
func (s *snapshot) Schema() string             { return s.schema }
func (s *snapshot) Tables() []string           { return s.tables }
func (s *snapshot) Querier() ledger.Querier    { return s.q }

// JournalMode is "wal" for a database in WAL mode (kept by the file, so
// recorded in the backup and set again by a restore), "" otherwise.
func (s *snapshot) JournalMode() string {
	if s.wal {
		return "wal"
	}
	return ""
}

func (s *snapshot) Sessions(ctx context.Context) ([]dossier.Session, error) {
	if s.schema != "v1" {
		return nil, nil
	}
	rows, err := s.q.QueryContext(ctx, "SELECT poste, utilisateur, programme, debut, derniere_activite FROM sessions ORDER BY poste, debut")
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	var out []dossier.Session
	for rows.Next() {
		var x dossier.Session
		if err := rows.Scan(&x.Poste, &x.Utilisateur, &x.Programme, &x.Debut, &x.DerniereActivite); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func (s *snapshot) Stats(ctx context.Context) (dossier.Stats, error) {
	st, err := ledger.Compute(ctx, s.q, s.tables)
	return st, mapErr(s.path, err)
}

// Database returns the image. Rollback mode: the first page_count×page_size
// bytes of the file, read under the shared lock. WAL mode: a backup-API copy.
func (s *snapshot) Database(ctx context.Context) (io.ReadCloser, int64, error) {
	if s.private != "" {
		f, err := os.Open(s.private)
		if err != nil {
			return nil, 0, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		// Closed by Close too, whatever the caller does: Windows cannot
		// remove the private copy while it is open.
		s.file = f
		return f, fi.Size(), nil
	}
	if s.wal {
		return s.walCopy(ctx)
	}
	var pages, pageSize int64
	if err := s.conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return nil, 0, err
	}
	if err := s.conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(s.view.File)
	if err != nil {
		return nil, 0, err
	}
	// Closing a descriptor drops every POSIX lock this process holds on the
	// file, SQLite's included: the file stays open until Close.
	s.file = f
	size := pages * pageSize
	return io.NopCloser(io.NewSectionReader(lockBytePage{f, pageSize}, 0, size)), size, nil
}

// pendingByte is where SQLite takes its locks: the page holding it is never
// used by the database. On Windows its bytes may be locked by a writer (a
// read of them fails), so the image carries zeros there instead.
const pendingByte = 0x40000000

type lockBytePage struct {
	r        io.ReaderAt
	pageSize int64
}

func (l lockBytePage) ReadAt(p []byte, off int64) (int, error) {
	start := pendingByte - pendingByte%l.pageSize
	end := start + l.pageSize
	if off+int64(len(p)) <= start || off >= end {
		return l.r.ReadAt(p, off)
	}
	// Split around the lock-byte page.
	n := 0
	if off < start {
		k, err := l.r.ReadAt(p[:start-off], off)
		n += k
		if err != nil {
			return n, err
		}
	}
	for ; n < len(p) && off+int64(n) < end; n++ {
		p[n] = 0
	}
	if n < len(p) {
		k, err := l.r.ReadAt(p[n:], off+int64(n))
		return n + k, err
	}
	return n, nil
}

func (s *snapshot) walCopy(ctx context.Context) (io.ReadCloser, int64, error) {
	dir := s.tempDir
	if dir == "" {
		dir = os.TempDir()
	}
	fsutil.SweepTemp(dir) // copies of killed backups
	tmp, err := fsutil.CreateTemp(filepath.Join(dir, "copie-"+filepath.Base(s.path)))
	if err != nil {
		return nil, 0, err
	}
	// The temp file stays open and locked (so no sweep takes it) while
	// SQLite writes the copy into it by name.
	s.tempCopy = tmp
	dst, err := sql.Open("sqlite3", DSN(tmp.Name(), "_journal_mode=OFF"))
	if err != nil {
		return nil, 0, err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer dconn.Close()
	err = dconn.Raw(func(d any) error {
		return s.conn.Raw(func(src any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", src.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				if err := ctx.Err(); err != nil {
					b.Finish()
					return err
				}
				done, err := b.Step(4096)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					return b.Finish()
				}
			}
		})
	})
	if err != nil {
		return nil, 0, err
	}
	if _, err := dconn.ExecContext(ctx, "PRAGMA journal_mode=DELETE"); err != nil {
		return nil, 0, err
	}
	dconn.Close()
	dst.Close()
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	s.file = f
	return io.NopCloser(f), fi.Size(), nil
}

func (s *snapshot) Close() error {
	s.releaseLive()
	if s.tempCopy != nil {
		s.tempCopy.Abort()
	}
	var err error
	if s.priv != nil {
		err = s.priv.Close()
	}
	if s.view != nil {
		if verr := s.view.Close(); err == nil {
			err = verr
		}
	}
	if s.done != nil {
		s.done()
	}
	return err
}

// releaseLive ends the read transaction on the dossier and closes it,
// unless the view is itself the private copy being read.
func (s *snapshot) releaseLive() {
	if s.conn != nil {
		s.conn.ExecContext(context.Background(), "ROLLBACK")
		s.conn.Close()
		s.conn = nil
	}
	if s.view != nil && !s.view.Private && s.priv != nil {
		s.view.Close()
		s.view = nil
	}
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
}

// MapError turns SQLite's errors on the database at path into the
// domain's, for the operations that open a dossier themselves.
func MapError(path string, err error) error { return mapErr(path, err) }

// mapErr turns SQLite's errors into the domain's: a file that is not a
// database, or a damaged one, is ErrCorrupt with its path.
func mapErr(path string, err error) error {
	if err == nil {
		return nil
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return i18n.E(msgNotSQLite, map[string]any{"Path": path}, fmt.Errorf("%w: %w", dossier.ErrCorrupt, err))
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("%s: %w: %w", path, dossier.ErrInUse, err)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// The disk's own errors (full, failing, forbidden) say it best.
	var pe *fs.PathError
	if errors.As(err, &pe) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO) {
		return err
	}
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return err // already says what happened (a missing module…)
	}
	return i18n.E(msgOpen, map[string]any{"Path": path, "Detail": err.Error()}, err)
}

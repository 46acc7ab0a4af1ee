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
	"time"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

var (
	msgJournalRolledBack = &i18n.Message{ID: "NoteJournalAnnule", Other: "Le dossier {{.Dossier}} a un fichier « {{.Journal}} » : une écriture interrompue (le journal correspond au dossier : pages de {{.PageSize}} octets, {{.OrigPages}} pages avant l'écriture). Coffre l'a annulée dans sa propre copie et a lu le dossier tel qu'avant cette écriture ; ni le dossier ni son journal n'ont été modifiés."}
	msgJournalForeign    = &i18n.Message{ID: "NoteJournalEtranger", Other: "À côté du dossier {{.Dossier}} se trouve un fichier « {{.Journal}} » qui ne correspond pas à ce dossier (journal : pages de {{.JournalPageSize}} octets, {{.OrigPages}} pages avant l'écriture ; dossier : pages de {{.PageSize}} octets, {{.Pages}} pages) : Coffre ne l'a pas appliqué et a lu le dossier tel qu'il est ; ni le dossier ni ce fichier n'ont été modifiés. Déplacez ce fichier ailleurs avant d'ouvrir le dossier dans le logiciel de gestion : SQLite l'appliquerait au dossier et l'endommagerait."}
	msgWALForeign        = &i18n.Message{ID: "NoteWALEtranger", Other: "À côté du dossier {{.Dossier}} se trouve un fichier « {{.WAL}} » qui ne peut pas être le sien (dossier en mode {{.Mode}}, pages de {{.PageSize}} octets ; fichier WAL de pages de {{.WALPageSize}} octets) : Coffre ne l'a pas appliqué et a lu le dossier tel qu'il est ; ni le dossier ni ce fichier n'ont été modifiés. Déplacez ce fichier ailleurs avant d'ouvrir le dossier dans le logiciel de gestion."}
	msgMoving            = &i18n.Message{ID: "DossierChangeEnLecture", Other: "Le dossier « {{.Path}} » et son journal ont changé pendant que Coffre les copiait pour les lire sans les modifier : recommencez dans un instant."}
)

// ReadView is one SQLite database opened for reading by a connection that
// never writes to it: neither to the file nor to the -journal or -wal beside
// it. Listing dossiers and backing them up must leave the live file exactly
// as it was — even when a journal lies next to it that SQLite would replay
// into it (which, for a journal from another database, destroys it).
type ReadView struct {
	// DB reads File: the dossier itself, or Coffre's private copy of it.
	DB *sql.DB
	// File is the database DB reads.
	File string
	// Private is set when File is a private copy (a journal or a WAL that
	// does not belong to the dossier, or an interrupted write rolled back).
	Private bool
	// Notes say what was found beside the dossier and what was done about
	// it, for the person who runs the operation.
	Notes []i18n.Note
	done  func()
}

// Close closes DB and removes the private copy, if any.
func (v *ReadView) Close() error {
	err := v.DB.Close()
	if v.done != nil {
		v.done()
	}
	return err
}

// OpenReadOnly opens the SQLite database at path for reading without ever
// writing to it: the one way Coffre opens a dossier it does not modify
// (snapshots for backups, the listing of a connexion — engineer dossiers'
// discovery uses it too).
//
// With nothing beside the file, DB reads the file itself (mode=ro). When a
// hot -journal is there (a writer died in a transaction, or a journal of
// another database was put there), SQLite would roll it back into the file
// at the first read; instead the file and its journal are copied into a
// private folder under tempDir ("" = the OS temp folder) and rolled back
// there when the journal's header says it belongs to the file (page size,
// original size), or the file alone is copied when it does not. A -wal that
// cannot belong to the file (a file in rollback-journal mode, another page
// size) is left out the same way. Notes say which. The live file and its
// sidecars are never modified.
func OpenReadOnly(ctx context.Context, path, tempDir string) (*ReadView, error) {
	for attempt := 0; ; attempt++ {
		v, err := openReadOnly(ctx, path, tempDir)
		if !errors.Is(err, errMoved) {
			return v, err
		}
		if attempt == 3 {
			return nil, i18n.E(msgMoving, map[string]any{"Path": path}, dossier.ErrInUse)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
		}
	}
}

// errMoved says the dossier or a sidecar changed while it was copied.
var errMoved = errors.New("sqlitestore: dossier changed while being copied")

func openReadOnly(ctx context.Context, path, tempDir string) (*ReadView, error) {
	label := filepath.Base(path)
	head := make([]byte, 100)
	hdr, isDB := dbHeader{}, false
	if f, err := os.Open(path); err == nil {
		n, _ := io.ReadFull(f, head)
		f.Close()
		hdr, isDB = parseDBHeader(head[:n])
	}
	if isDB {
		if w, err := readWAL(path + "-wal"); err == nil && w.valid && (!hdr.wal || w.pageSize != hdr.pageSize) {
			mode := "journal"
			if hdr.wal {
				mode = "WAL"
			}
			note := i18n.NewNote(msgWALForeign, map[string]any{"Dossier": label, "WAL": label + "-wal", "Mode": mode, "PageSize": hdr.pageSize, "WALPageSize": w.pageSize})
			return privateView(ctx, path, tempDir, false, note)
		}
	}
	db, err := OpenRO(path)
	if err != nil {
		return nil, err
	}
	err = readSchema(ctx, db)
	if err == nil {
		return &ReadView{DB: db, File: path}, nil
	}
	db.Close()
	if !hotJournal(err) || !isDB {
		return nil, mapErr(path, err)
	}
	j, err := readJournal(path + "-journal")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errMoved // rolled back meanwhile by its owner
	}
	if err != nil {
		return nil, err
	}
	if j.belongsTo(hdr) {
		note := i18n.NewNote(msgJournalRolledBack, map[string]any{"Dossier": label, "Journal": label + "-journal", "PageSize": j.pageSize, "OrigPages": j.origPages})
		return privateView(ctx, path, tempDir, true, note)
	}
	note := i18n.NewNote(msgJournalForeign, map[string]any{"Dossier": label, "Journal": label + "-journal", "JournalPageSize": j.pageSize, "OrigPages": j.origPages, "PageSize": hdr.pageSize, "Pages": hdr.pages})
	return privateView(ctx, path, tempDir, false, note)
}

// readSchema reads the schema inside a read transaction: what makes SQLite look
// for a hot journal.
func readSchema(ctx context.Context, db *sql.DB) error {
	var n int
	return db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
}

// privateView copies the dossier (with its -journal when withJournal) into
// a private folder and opens the copy: SQLite rolls the journal back there,
// in the copy, at the first read.
func privateView(ctx context.Context, path, tempDir string, withJournal bool, note i18n.Note) (*ReadView, error) {
	if tempDir == "" {
		tempDir = os.TempDir()
	}
	sweepPrivate(tempDir)
	dir, done, err := privateFolder(tempDir)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			done()
		}
	}()
	cp := filepath.Join(dir, filepath.Base(path))
	files := [][2]string{{path, cp}}
	if withJournal {
		files = append(files, [2]string{path + "-journal", cp + "-journal"})
	}
	before := stamps(path)
	for _, f := range files {
		if err := copyFile(ctx, f[0], f[1]); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, errMoved
			}
			return nil, err
		}
	}
	if stamps(path) != before {
		return nil, errMoved
	}
	if withJournal {
		rw, err := sql.Open("sqlite3", DSN(cp, "mode=rw"))
		if err != nil {
			return nil, err
		}
		err = readSchema(ctx, rw)
		rw.Close()
		if err != nil {
			return nil, mapErr(path, err)
		}
	}
	db, err := OpenRO(cp)
	if err != nil {
		return nil, err
	}
	if err := readSchema(ctx, db); err != nil {
		db.Close()
		return nil, mapErr(path, err)
	}
	ok = true
	return &ReadView{DB: db, File: cp, Private: true, Notes: []i18n.Note{note}, done: done}, nil
}

// stamp is what tells that a file changed: size and modification time.
type stamp struct {
	size int64
	mod  time.Time
}

// stamps of the dossier and of its -journal and -wal.
func stamps(path string) [3]stamp {
	var s [3]stamp
	for i, sfx := range []string{"", "-journal", "-wal"} {
		if fi, err := os.Stat(path + sfx); err == nil {
			s[i] = stamp{fi.Size(), fi.ModTime()}
		}
	}
	return s
}

func copyFile(ctx context.Context, from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, ctxReader{ctx, src})
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", filepath.Base(from), err)
	}
	return nil
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// privatePrefix names Coffre's private copies of dossiers; privateLock,
// inside, is held while one is in use, so a sweep removes only those a
// crashed Coffre left.
const (
	privatePrefix = "coffre-lecture-"
	privateLock   = ".coffre-lecture"
)

func privateFolder(base string) (string, func(), error) {
	return fsutil.MakeLockedDir(base, privatePrefix, privateLock)
}

func sweepPrivate(base string) { fsutil.SweepLockedDirs(base, privatePrefix, privateLock) }

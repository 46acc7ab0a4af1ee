package catalogue

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/pack"
)

// Entry is one backup file.
type Entry struct {
	Path     string
	Size     int64
	Modified time.Time
	// Encrypted files are not opened: their manifest needs the passphrase.
	Encrypted bool
	// Manifest is nil when the file is encrypted or could not be read.
	Manifest *pack.Manifest
	// Err says why a file that is not encrypted could not be read.
	Err error
}

// Identity is the dossier the file holds: from its manifest, or else from its
// name (« 001-SOC_AAAAMMJJ_HHMM.pbf »).
func (e Entry) Identity() dossier.Identity {
	if e.Manifest != nil {
		return e.Manifest.Dossier
	}
	base := strings.TrimSuffix(filepath.Base(e.Path), filepath.Ext(e.Path))
	if p, ok := dossier.ParseBackupName(base); ok {
		return dossier.Identity{Numero: p.Numero, Nom: p.Nom}
	}
	return dossier.Identity{}
}

// Taken is when the backup was made: the manifest's date, or the file's.
func (e Entry) Taken() time.Time {
	if e.Manifest != nil && !e.Manifest.CreatedAt.IsZero() {
		return e.Manifest.CreatedAt
	}
	return e.Modified
}

// File describes the file at path. A problem is recorded in Entry.Err so that
// a listing goes on.
func File(ctx context.Context, path string) Entry {
	e := Entry{Path: path}
	fi, err := os.Stat(path)
	if err != nil {
		e.Err = err
		return e
	}
	e.Size, e.Modified = fi.Size(), fi.ModTime()
	if e.Encrypted, err = pack.IsEncrypted(path); err != nil {
		e.Err = err
		return e
	}
	if !e.Encrypted {
		e.Manifest, e.Err = pack.Inspect(ctx, path, pack.ReadOptions{})
	}
	return e
}

// Folder lists the files of dir whose extension is ext (".pbf"), newest
// first. Coffre's own temp files are skipped.
func Folder(ctx context.Context, dir, ext string) ([]Entry, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range entries {
		name := de.Name()
		if de.IsDir() || fsutil.IsTemp(name) || !strings.EqualFold(filepath.Ext(name), ext) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, File(ctx, filepath.Join(dir, name)))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Taken().After(out[j].Taken()) })
	return out, nil
}

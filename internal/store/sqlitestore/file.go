package sqlitestore

import (
	"context"
	"errors"
	"path/filepath"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var msgFileLocked = &i18n.Message{ID: "FichierVerrouille", Other: "« {{.File}} » est déjà en cours de traitement par une autre opération Coffre."}

// File designates a lone SQLite database, of any schema, backed up whole.
func File(path string) store.Ref { return fileRef{path} }

type fileRef struct{ path string }

func (r fileRef) Label() string { return filepath.Base(r.path) }

func (r fileRef) Describe() store.Description {
	abs, _ := filepath.Abs(r.path)
	return store.Description{Kind: "fichier", Dialect: "sqlite", Location: abs}
}

func (r fileRef) Lock(ctx context.Context) (func(), error) {
	dir, base := filepath.Split(r.path)
	unlock, err := fsutil.Lock(filepath.Join(dir, "."+base+".coffre-verrou"), 0)
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, i18n.E(msgFileLocked, map[string]any{"File": base}, dossier.ErrInUse)
	}
	return unlock, err
}

func (r fileRef) Snapshot(ctx context.Context, opt store.SnapshotOptions) (store.Snapshot, error) {
	return SnapshotFile(ctx, r.path, opt)
}

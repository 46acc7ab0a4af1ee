package restore

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/access"
	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

var (
	msgAccessFolder = &i18n.Message{ID: "RestaurationAccessDossier", Other: "« {{.File}} » est la sauvegarde d'une base Access ({{.Base}}) : elle se restaure dans un dossier de fichiers, pas sur un serveur SQL."}
	msgAccessExists = &i18n.Message{ID: "RestaurationAccessExiste", Other: "La base Access « {{.Base}} » existe déjà dans « {{.Dir}} » : confirmez son remplacement (--remplacer)."}
	msgAccessPart   = &i18n.Message{ID: "RestaurationAccessPartie", Other: "La sauvegarde « {{.File}} » ne contient pas la base Access que son manifeste annonce : elle est endommagée."}
)

// accessBackup returns the manifest of the file at path when it is the
// backup of an Access database.
func accessBackup(ctx context.Context, path, passphrase string) (*pack.Manifest, access.Info, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, access.Info{}, false
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n == len(head) && string(head) == string(sqliteMagic) {
		return nil, access.Info{}, false
	}
	m, err := pack.Inspect(ctx, path, pack.ReadOptions{Passphrase: passphrase})
	if err != nil || m.Kind != pack.KindPBF {
		return nil, access.Info{}, false
	}
	info, ok := access.InfoOf(m)
	return m, info, ok
}

// runAccess puts an Access database back whole, under the name it had, in
// the folder of a folder connexion: unpacked under a temp name (the
// container's checksums checked on the way), then renamed in. An existing
// database is replaced only with req.Replace, after a verified safety
// backup of it, and never while its lock file says it is open.
func runAccess(ctx context.Context, req Request, m *pack.Manifest, info access.Info) (Result, error) {
	start := time.Now()
	res := Result{Plan: Plan{Numero: m.Dossier.Numero, Nom: m.Dossier.Nom}}
	res.Input = Input{Path: req.File, Manifest: m, Identity: m.Dossier}
	folder, ok := req.Store.(interface{ Dir() string })
	if !ok {
		return res, i18n.E(msgAccessFolder, map[string]any{"File": filepath.Base(req.File), "Base": info.File}, dossier.ErrNotRestorable)
	}
	final := filepath.Join(folder.Dir(), info.File)
	unlock, err := backup.LockAccess(final)
	if err != nil {
		return res, err
	}
	defer unlock()
	if err := access.CheckFree(final); err != nil {
		return res, err
	}
	_, statErr := os.Stat(final)
	exists := statErr == nil
	if exists && !req.Replace {
		return res, i18n.E(msgAccessExists, map[string]any{"Base": info.File, "Dir": folder.Dir()}, dossier.ErrExists)
	}
	tmp, err := fsutil.CreateTemp(final)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	found := false
	_, err = pack.Read(ctx, req.File, pack.ReadOptions{Passphrase: req.Passphrase, Progress: req.Progress, Phase: dossier.PhaseExtraction, Dossier: info.File},
		func(p pack.Part, r io.Reader) error {
			if p.Role != access.Role || found {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			found = true
			if err := pack.CheckRoom(filepath.Dir(final), p); err != nil {
				return err
			}
			_, err := io.Copy(tmp, r)
			return err
		})
	if err == nil && !found {
		err = i18n.E(msgAccessPart, map[string]any{"File": filepath.Base(req.File)}, dossier.ErrCorrupt)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return res, err
	}
	if exists {
		if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
			return res, err
		}
		req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: info.File})
		sb, err := backup.RunAccess(ctx, backup.AccessRequest{File: final, DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress})
		if err != nil {
			return res, err
		}
		res.SafetyBackup = sb.Path
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Opened meanwhile: Access would see its file change under it.
	if err := access.CheckFree(final); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseBascule, Dossier: info.File})
	if err := tmp.Commit(req.Replace); err != nil {
		if errors.Is(err, os.ErrExist) {
			return res, i18n.E(msgAccessExists, map[string]any{"Base": info.File, "Dir": folder.Dir()}, dossier.ErrExists)
		}
		return res, err
	}
	res.Path = info.File
	res.Duration = time.Since(start)
	return res, nil
}

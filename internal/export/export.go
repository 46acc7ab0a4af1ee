package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

var (
	msgExists   = &i18n.Message{ID: "ExportExisteDeja", Other: "L'export « {{.File}} » existe déjà : supprimez-le, choisissez une autre destination ou confirmez son remplacement (--remplacer)."}
	msgNeedDest = &i18n.Message{ID: "ExportDestinationRequise", Other: "Cette connexion n'est pas un dossier de fichiers : indiquez où écrire l'export."}
	msgBadNames = &i18n.Message{ID: "ExportNomInconnu", Other: "Le dossier {{.Dossier}} n'a pas de nom court valide : impossible de nommer son export."}
	msgMismatch = &i18n.Message{ID: "ExportDifferent", Other: "La copie exportée ne correspond pas au dossier ({{.Detail}}) : elle a été supprimée. Vérifiez le disque de destination."}
)

// Request is one export.
type Request struct {
	Store  store.Store
	Numero string
	// DestDir is the folder that receives E001SOC.db; "" means the
	// connexion's own folder.
	DestDir string
	// Replace allows overwriting an existing export of the same name.
	Replace bool
	// IgnoreSessions confirms replacing an export whose sessions table says
	// it is open (it may have been put to use as a dossier); SessionIdle is
	// when a listed session counts as closed (0: dossier.DefaultSessionIdle).
	IgnoreSessions bool
	SessionIdle    time.Duration
	Progress       dossier.Progress
}

// Result says what was written, for the wizard and the command line.
type Result struct {
	Dossier  dossier.Identity
	Path     string // the export, E001SOC.db; the database's name when OnServer
	OnServer bool   // written as a new database on the connexion's server
	Size     int64
	Stats    dossier.Stats // what the copy holds, checked against the snapshot
	Replaced bool          // an older export was overwritten
	Sessions []dossier.Session
	// Notes: the dossier was open while it was read; sessions of the
	// replaced export set aside or confirmed.
	Notes    []i18n.Note
	Duration time.Duration
}

// Run exports dossier req.Numero. Nothing appears under the final name
// before the copy is complete and checked; on error or cancellation nothing
// is left behind.
func Run(ctx context.Context, req Request) (Result, error) {
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	if req.DestDir == "" && workcopy.Needed(req.Store) {
		return runOnServer(ctx, req)
	}
	start := time.Now()
	var res Result
	dest := req.DestDir
	if dest == "" {
		d := req.Store.Describe()
		if d.Kind != "sqlite" {
			return res, i18n.E(msgNeedDest, nil, nil)
		}
		dest = d.Location
	}
	if err := dossier.CheckDestination(dest); err != nil {
		return res, err
	}
	fsutil.SweepTemp(dest)

	ref := store.InStore(req.Store, req.Numero)
	unlock, err := ref.Lock(ctx)
	if err != nil {
		return res, err
	}
	defer unlock()
	snap, err := ref.Snapshot(ctx, store.SnapshotOptions{TempDir: dest})
	if err != nil {
		return res, err
	}
	defer snap.Close()
	id := snap.Identity()
	res.Dossier = id
	if !dossier.ValidNumero(id.Numero) || !dossier.ValidNom(id.Nom) {
		return res, i18n.E(msgBadNames, map[string]any{"Dossier": req.Numero}, nil)
	}
	if res.Sessions, err = snap.Sessions(ctx); err != nil {
		return res, err
	}
	policy := dossier.SessionPolicy{Confirm: req.IgnoreSessions, Idle: req.SessionIdle}
	res.Notes = policy.Warn(id.Base(), res.Sessions)
	final := filepath.Join(dest, dossier.ExportName(id.Numero, id.Nom)+dossier.ExtDB)
	if _, err := os.Lstat(final); err == nil {
		if !req.Replace {
			return res, i18n.E(msgExists, map[string]any{"File": final}, dossier.ErrExists)
		}
		// The export being replaced may be in use as a dossier: the same
		// rule as for any dossier Coffre changes.
		notes, err := replacedSessions(ctx, policy, final)
		res.Notes = append(res.Notes, notes...)
		if err != nil {
			return res, err
		}
		res.Replaced = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, err
	}

	want, err := snap.Stats(ctx)
	if err != nil {
		return res, err
	}
	image, size, err := snap.Database(ctx)
	if err != nil {
		return res, err
	}
	defer image.Close()
	tmp, err := fsutil.CreateTemp(final)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	if _, err := dossier.Copy(ctx, tmp, image, size, req.Progress, dossier.PhaseLecture, id.Numero); err != nil {
		return res, err
	}
	if err := tmp.Sync(); err != nil {
		return res, err
	}
	// The image of a WAL-mode dossier says WAL in its header; an export is
	// a standalone file and starts in rollback-journal mode.
	if err := sqlitestore.SetRollbackJournal(ctx, tmp.Name()); err != nil {
		return res, err
	}
	// Its row says the number its name carries: the dossier's file's,
	// whatever the dossier's own row said.
	if err := sqlitestore.SetIdentity(ctx, tmp.Name(), id.Numero, id.Nom, ""); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: id.Numero})
	got, err := check(ctx, tmp.Name(), id.Base())
	if err != nil {
		return res, i18n.E(msgMismatch, map[string]any{"Detail": i18n.Describe(err)}, err)
	}
	if diffs := ledger.Diff(want, got); len(diffs) > 0 {
		return res, i18n.E(msgMismatch, map[string]any{"Detail": strings.Join(diffs, " ; ")}, dossier.ErrCorrupt)
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: id.Numero, Done: 1, Total: 1})
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if res.Replaced {
		for _, sfx := range []string{"-wal", "-shm", "-journal"} {
			os.Remove(final + sfx)
		}
	}
	sqlitestore.RemoveOrphanSidecars(final)
	if err := tmp.Commit(req.Replace); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return res, i18n.E(msgExists, map[string]any{"File": final}, dossier.ErrExists)
		}
		return res, err
	}
	res.Path, res.Size, res.Stats = final, size, got
	res.Duration = time.Since(start)
	return res, nil
}

// replacedSessions applies the sessions policy to the export at path that
// is about to be replaced; a file that is not a schema-v1 dossier lists no
// session.
func replacedSessions(ctx context.Context, p dossier.SessionPolicy, path string) ([]i18n.Note, error) {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tables, err := sqlitestore.Tables(ctx, db)
	if err != nil || !ledger.IsV1(tables) {
		return nil, nil
	}
	ss, err := ledger.Sessions(ctx, db)
	if err != nil {
		return nil, err
	}
	return p.Check(filepath.Base(path), ss)
}

// check runs quick_check on the copy and returns its stats.
func check(ctx context.Context, path, label string) (dossier.Stats, error) {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return dossier.Stats{}, err
	}
	defer db.Close()
	if err := backup.QuickCheck(ctx, db, label); err != nil {
		return dossier.Stats{}, fmt.Errorf("%w (%w)", err, dossier.ErrCorrupt)
	}
	tables, err := sqlitestore.Tables(ctx, db)
	if err != nil {
		return dossier.Stats{}, err
	}
	return ledger.Compute(ctx, db, tables)
}

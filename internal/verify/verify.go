package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"coffre/internal/access"
	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/pack"
	"coffre/internal/store/sqlitestore"
)

var (
	msgStatsDiffer = &i18n.Message{ID: "ContenuDifferent", Other: "Le contenu ne correspond pas au manifeste : {{.Detail}}"}
	msgNoDatabase  = &i18n.Message{ID: "PasDeBase", Other: "Ce fichier ne contient pas de base de données."}
	msgDamaged     = &i18n.Message{ID: "SauvegardeBaseEndommagee", Other: "La base que contient la sauvegarde du dossier {{.Dossier}} est endommagée (contrôle SQLite : {{.Detail}}) : ce fichier ne peut pas servir à une restauration. Utilisez une autre sauvegarde."}
	msgFK          = &i18n.Message{ID: "ClesEtrangeres", One: "{{.Count}} référence cassée entre tables (foreign_key_check).", Other: "{{.Count}} références cassées entre tables (foreign_key_check)."}
)

// Options choose the level of verification.
type Options struct {
	Passphrase string
	// Complete adds integrity_check and foreign_key_check (slow on big
	// dossiers) to the quick level's quick_check.
	Complete bool
	Progress dossier.Progress
	// TempDir receives the database while it is checked; "" = OS temp.
	TempDir string
	// Live, when set, is the connexion the backup was taken from: once the
	// file checks, each table's rows and content hash are compared with the
	// live base's (Report.Live).
	Live LiveBase
}

// LiveBase compares the SQLite image at path, a backup of dossier numero,
// with the live base (odbcstore.Store on PostgreSQL).
type LiveBase interface {
	CompareImage(ctx context.Context, numero, path string) ([]dossier.TableDifference, error)
}

// Report is what a verification found. A file that fails returns an error;
// Warnings are facts about the dossier itself that the copy faithfully
// carries (an entry out of balance in the original, say).
type Report struct {
	Manifest *pack.Manifest
	Stats    dossier.Stats
	Warnings []i18n.Note
	Duration time.Duration
	// Live: with Options.Live, the tables whose content differs from the
	// live base's (none: the same content); LiveCompared says it was done.
	Live         []dossier.TableDifference
	LiveCompared bool
	// ContainerOnly is set for a transfer (PTF) or an archive (PAF): its
	// checksums and decompression were checked; its rows are checked by the
	// operation that applies it. Also for the backup of an Access database
	// (a whole file, no SQLite inside).
	ContainerOnly bool
}

// File verifies the packed file at path.
func File(ctx context.Context, path string, opt Options) (Report, error) {
	start := time.Now()
	var rep Report
	if err := dossier.CheckFile(path); err != nil {
		return rep, err
	}
	dir := opt.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	// A verification killed earlier left its extracted copy there.
	fsutil.SweepTemp(dir)
	var tmp *fsutil.TempFile
	defer func() {
		if tmp != nil {
			tmp.Abort()
		}
	}()
	m, err := pack.Read(ctx, path, pack.ReadOptions{Passphrase: opt.Passphrase, Progress: opt.Progress, Phase: dossier.PhaseVerification}, func(p pack.Part, r io.Reader) error {
		if p.Name != pack.DatabasePart || tmp != nil {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		if err := pack.CheckRoom(dir, p); err != nil {
			return err
		}
		var err error
		tmp, err = fsutil.CreateTemp(filepath.Join(dir, "verification.db"))
		if err != nil {
			return err
		}
		_, err = io.CopyBuffer(sqlitestore.ImageWriter(tmp, p.Size), r, make([]byte, 1<<20))
		return err
	})
	if err != nil {
		return rep, err
	}
	rep.Manifest = m
	if tmp == nil {
		// An Access database is packed whole: its checksums and
		// decompression are all there is to check.
		if _, ok := access.InfoOf(m); ok || m.Kind != pack.KindPBF {
			rep.ContainerOnly = true
			rep.Duration = time.Since(start)
			return rep, nil
		}
		return rep, i18n.E(msgNoDatabase, nil, dossier.ErrCorrupt)
	}
	st, warnings, err := CheckDatabase(ctx, tmp.Name(), m, opt.Complete, opt.Progress)
	rep.Stats, rep.Warnings = st, warnings
	if err == nil && opt.Live != nil {
		if rep.Live, err = opt.Live.CompareImage(ctx, m.Dossier.Numero, tmp.Name()); err == nil {
			rep.LiveCompared = true
			err = liveResult(&rep)
		}
	}
	rep.Duration = time.Since(start)
	return rep, err
}

var (
	msgLiveSame    = &i18n.Message{ID: "VerifBaseIdentique", Other: "Contenu identique à la base du serveur : chaque table a les mêmes lignes (nombre et empreinte)."}
	msgLiveDiffers = &i18n.Message{ID: "VerifBaseDifferente", Other: "La base du serveur n'a plus le même contenu que la sauvegarde : {{.Tables}}."}
	msgLiveMissing = &i18n.Message{ID: "VerifTableAbsenteBase", Other: "table {{.Table}} absente de la base du serveur"}
	msgLiveExtra   = &i18n.Message{ID: "VerifTableAbsenteFichier", Other: "table {{.Table}} absente de la sauvegarde"}
	msgLiveTable   = &i18n.Message{ID: "VerifTableDifferente", Other: "table {{.Table}} : contenu différent (nombre de lignes : {{.Fichier}} dans la sauvegarde, {{.Base}} sur le serveur)"}
)

// liveResult turns the comparison with the live base into a note (the
// same content) or an error naming each table that differs: the file is
// sound, but not what the base now holds.
func liveResult(rep *Report) error {
	if len(rep.Live) == 0 {
		rep.Warnings = append(rep.Warnings, i18n.NewNote(msgLiveSame, nil))
		return nil
	}
	var parts []string
	for _, d := range rep.Live {
		switch {
		case d.Missing:
			parts = append(parts, i18n.T(msgLiveMissing, map[string]any{"Table": d.Table}))
		case d.Extra:
			parts = append(parts, i18n.T(msgLiveExtra, map[string]any{"Table": d.Table}))
		default:
			parts = append(parts, i18n.T(msgLiveTable, map[string]any{"Table": d.Table, "Fichier": d.FileRows, "Base": d.LiveRows}))
		}
	}
	return i18n.E(msgLiveDiffers, map[string]any{"Tables": strings.Join(parts, "\u00a0; ")}, nil)
}

// CheckDatabase checks the SQLite database at path (extracted from a packed
// file, or staged for a restore) against the manifest m: SQLite's own check,
// counts and totals, and, at the complete level, foreign keys.
func CheckDatabase(ctx context.Context, path string, m *pack.Manifest, complete bool, progress dossier.Progress) (dossier.Stats, []i18n.Note, error) {
	var st dossier.Stats
	progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: m.Dossier.Numero})
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return st, nil, err
	}
	defer db.Close()
	label := m.Dossier.Base()
	// SQLite's check and the counts and totals read the same file on two
	// connections: both cores.
	var cerr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if complete {
			cerr = backup.IntegrityCheck(ctx, db, label)
		} else {
			cerr = backup.QuickCheck(ctx, db, label)
		}
	})
	tables, err := sqlitestore.Tables(ctx, db)
	if err == nil {
		st, err = ledger.Compute(ctx, db, tables)
	}
	wg.Wait()
	var finding *backup.IntegrityError
	switch {
	case errors.As(cerr, &finding):
		return st, nil, fmt.Errorf("%w (%w)", backup.Reword(cerr, msgDamaged), dossier.ErrCorrupt)
	case cerr != nil:
		// The check could not run (a read error, cancellation): that is not
		// a finding about the file.
		return st, nil, cerr
	}
	if err != nil {
		return st, nil, i18n.E(msgStatsDiffer, map[string]any{"Detail": err.Error()}, dossier.ErrCorrupt)
	}
	// quick_check does not compare indexes with their tables (a dossier
	// whose index disagrees would answer queries wrongly once restored);
	// integrity_check does, at the complete level.
	if !complete {
		if err := sqlitestore.IndexCheck(ctx, db, m.Dossier.Numero, progress); err != nil {
			return st, nil, err
		}
	}
	if diffs := ledger.Diff(m.Stats, st); len(diffs) > 0 {
		return st, nil, i18n.E(msgStatsDiffer, map[string]any{"Detail": joinLimit(diffs, 5)}, dossier.ErrCorrupt)
	}
	var warnings []i18n.Note
	if st.Unbalanced > 0 {
		warnings = append(warnings, i18n.NewNote(msgUnbalanced, map[string]any{"Count": st.Unbalanced}))
	}
	if complete {
		n, _, err := ledger.ForeignKeyViolations(ctx, db)
		if err != nil {
			return st, warnings, err
		}
		if n > 0 {
			warnings = append(warnings, i18n.NewNote(msgFK, map[string]any{"Count": n}))
		}
	}
	progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: m.Dossier.Numero, Done: 1, Total: 1})
	return st, warnings, nil
}

var msgUnbalanced = &i18n.Message{ID: "EcrituresDesequilibrees", One: "{{.Count}} écriture déséquilibrée dans le dossier d'origine (débit ≠ crédit).", Other: "{{.Count}} écritures déséquilibrées dans le dossier d'origine (débit ≠ crédit)."}

func joinLimit(s []string, n int) string {
	out := ""
	for i, x := range s {
		if i == n {
			out += fmt.Sprintf(" ; … (%d autres)", len(s)-n)
			break
		}
		if i > 0 {
			out += " ; "
		}
		out += x
	}
	return out
}

package restore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/admin"
	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

var (
	msgAdmin        = &i18n.Message{ID: "CopieAdminNonRestaurable", Other: "« {{.File}} » est une copie pour l'administration fiscale : elle ne contient que les exercices demandés, sans le reste du dossier, et ne peut pas être restaurée. Restaurez plutôt une sauvegarde complète (.pbf)."}
	msgDamaged      = &i18n.Message{ID: "RestaurationBaseEndommagee", Other: "La base à restaurer (dossier {{.Dossier}}) est endommagée (contrôle SQLite : {{.Detail}}) : rien n'a été restauré, la connexion n'a pas été modifiée. Utilisez une autre sauvegarde."}
	msgNoFile       = &i18n.Message{ID: "RestaurationFichierAbsent", Other: "Le fichier « {{.File}} » n'existe pas ou ne peut pas être ouvert : vérifiez son nom et son emplacement."}
	msgKind         = &i18n.Message{ID: "PasUneSauvegardeComplete", Other: "« {{.File}} » est un fichier {{.Kind}}, pas une sauvegarde complète : utilisez l'opération qui lui correspond."}
	msgUnknownInput = &i18n.Message{ID: "FichierInconnu", Other: "« {{.File}} » n'est ni une sauvegarde Coffre (.pbf) ni une base de données SQLite."}
	msgHeldOpen     = &i18n.Message{ID: "RestaurationFichierOuvert", Other: "Le dossier n° {{.Numero}} est ouvert par un autre programme{{if .Who}} ({{.Who}}){{else}} (le logiciel de gestion, un antivirus ou une sauvegarde){{end}} : Windows refuse de le remplacer. Fermez-le sur ce poste et les autres, puis recommencez. Rien n'a été modifié."}
	msgNotReopened  = &i18n.Message{ID: "RestaurationIntrouvable", Other: "Le dossier n° {{.Numero}} restauré ne s'ouvre pas sous son nom définitif : la restauration n'a pas abouti.{{if .Safety}} Ce qu'il remplaçait est dans la sauvegarde de sécurité « {{.Safety}} ».{{end}}"}
	msgTaken        = &i18n.Message{ID: "NumeroPris", Other: "Le dossier n° {{.Numero}} existe déjà : choisissez un autre numéro, ou confirmez son remplacement (--remplacer)."}
	msgNoFree       = &i18n.Message{ID: "PlusDeNumero", Other: "Plus aucun numéro de dossier libre dans cette connexion."}
	msgNoNom        = &i18n.Message{ID: "NomInconnu", Other: "Impossible de déduire le nom court du dossier de « {{.File}} » : renommez le fichier en 001NOM.db."}
	msgIdentity     = &i18n.Message{ID: "AutreIdentite", Other: "Le dossier n° {{.Numero}} de la connexion ({{.Existing}}) n'est pas le même dossier que la sauvegarde ({{.Incoming}}) : confirmez explicitement le remplacement par un autre dossier (--autre-dossier)."}
	msgExport       = &i18n.Message{ID: "NoteExport", Other: "Fichier d'export {{.File}} : restauré sous son nom sans le E ({{.Base}})."}
	msgCut          = &i18n.Message{ID: "NoteDecoupe", Other: "Fichier découpé {{.File}} importé comme dossier {{.Base}}."}
	msgDifferentNum = &i18n.Message{ID: "NoteAutreNumero", Other: "Restauré sous le numéro {{.Numero}} (le dossier n° {{.Own}} existe déjà) ; les écritures sont inchangées, le nom du fichier et la fiche du dossier portent le nouveau numéro."}
	msgCopy         = &i18n.Message{ID: "NoteCopieNouvelIdentifiant", Other: "Le dossier {{.Dossier}} est une copie du dossier {{.Original}} de cette connexion : il reçoit son propre identifiant, et les transferts partiels du dossier {{.Original}} ne s'y appliqueront pas."}
)

// Request is one restore.
type Request struct {
	File       string
	Passphrase string
	Store      store.Store
	// Numero is where to restore; "" means the dossier's own number, or the
	// first free one when it is taken (and Replace is not set).
	Numero  string
	Replace bool
	// OtherDossier confirms replacing a dossier whose identity differs.
	OtherDossier bool
	// IgnoreSessions confirms replacing a dossier the sessions table says
	// is open; SessionIdle is when a listed session counts as closed (0:
	// dossier.DefaultSessionIdle). See dossier.SessionPolicy.
	IgnoreSessions bool
	SessionIdle    time.Duration
	// SafetyDir receives the safety backup of a replaced dossier.
	SafetyDir string
	Progress  dossier.Progress
}

// Plan is what a restore will do, for the wizard's summary and the CLI.
type Plan struct {
	Input    Input
	Numero   string
	Nom      string
	Replaces *dossier.Info // the dossier that will be replaced, if any
	// Identifiant is the new identity the restored dossier gets when it is
	// a copy beside its original ("": it keeps the backup's). See
	// docs/FORMAT.md, « Identité d'un dossier ».
	Identifiant string
	Notes       []i18n.Note
}

// Input is what the file to restore is.
type Input struct {
	Path     string
	Manifest *pack.Manifest // nil for a database file
	Identity dossier.Identity
	Database bool // a .db file rather than a PBF
	// JournalMode is "wal" when the dossier was in WAL mode (the manifest
	// says so, or the .db file is): a restore into a folder keeps it.
	JournalMode string
}

// Result says what was done.
type Result struct {
	Plan
	Path         string
	SafetyBackup string
	Warnings     []i18n.Note
	Duration     time.Duration
}

var sqliteMagic = []byte("SQLite format 3\x00")

// Examine reads what the file is without unpacking it.
func Examine(ctx context.Context, path, passphrase string) (Input, error) {
	in := Input{Path: path}
	head := make([]byte, 16)
	f, err := os.Open(path)
	if err != nil {
		return in, i18n.E(msgNoFile, map[string]any{"File": path}, fmt.Errorf("%w: %w", dossier.ErrNotFound, err))
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if n == 16 && bytes.Equal(head, sqliteMagic) {
		in.Database = true
		p, ok := dossier.ParseDBName(base)
		if ok && p.Kind == dossier.KindAdmin {
			return in, i18n.E(msgAdmin, map[string]any{"File": filepath.Base(path)}, dossier.ErrNotRestorable)
		}
		if err := refuseAdminContent(ctx, path); err != nil {
			return in, err
		}
		snap, err := sqlitestore.SnapshotFile(ctx, path, store.SnapshotOptions{})
		if err != nil {
			return in, err
		}
		in.Identity = snap.Identity()
		if j, ok := snap.(interface{ JournalMode() string }); ok {
			in.JournalMode = j.JournalMode()
		}
		snap.Close()
		if ok {
			in.Identity.Numero, in.Identity.Nom = p.Numero, p.Nom
		} else if !dossier.ValidNom(in.Identity.Nom) {
			in.Identity.Nom = dossier.NomFromName(base)
		}
		return in, nil
	}
	m, err := pack.Inspect(ctx, path, pack.ReadOptions{Passphrase: passphrase})
	if err != nil {
		if errors.Is(err, dossier.ErrNotCoffre) {
			return in, i18n.E(msgUnknownInput, map[string]any{"File": filepath.Base(path)}, err)
		}
		return in, err
	}
	if m.Kind != pack.KindPBF {
		return in, i18n.E(msgKind, map[string]any{"File": filepath.Base(path), "Kind": string(m.Kind)}, dossier.ErrNotRestorable)
	}
	// A backup of an admin copy is still one: its manifest lists the marker.
	for _, t := range m.Stats.Tables {
		if strings.EqualFold(t.Name, admin.MarkerTable) {
			return in, i18n.E(msgAdmin, map[string]any{"File": filepath.Base(path)}, dossier.ErrNotRestorable)
		}
	}
	in.Manifest, in.Identity, in.JournalMode = m, m.Dossier, m.Source.JournalMode
	if !dossier.ValidNom(in.Identity.Nom) {
		in.Identity.Nom = dossier.NomFromName(base)
	}
	return in, nil
}

// refuseAdminContent refuses a database that is an admin copy by its
// content (application_id or marker table), whatever its file name.
func refuseAdminContent(ctx context.Context, path string) error {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	isAdmin, err := admin.IsCopy(ctx, db)
	if err != nil {
		return nil // not readable as SQLite: the snapshot that follows says so
	}
	if isAdmin {
		return i18n.E(msgAdmin, map[string]any{"File": filepath.Base(path)}, dossier.ErrNotRestorable)
	}
	return nil
}

// MakePlan decides the number and what would be replaced.
func MakePlan(ctx context.Context, req Request) (Plan, error) {
	in, err := Examine(ctx, req.File, req.Passphrase)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Input: in, Nom: in.Identity.Nom}
	if !dossier.ValidNom(p.Nom) {
		return p, i18n.E(msgNoNom, map[string]any{"File": filepath.Base(req.File)}, nil)
	}
	list, err := req.Store.List(ctx)
	if err != nil {
		return p, err
	}
	existing := map[string]dossier.Info{}
	var used []string
	for _, d := range list {
		existing[d.Numero] = d
		used = append(used, d.Numero)
	}
	own := in.Identity.Numero
	switch {
	case req.Numero != "":
		if !dossier.ValidNumero(req.Numero) {
			return p, dossier.ErrBadNumero
		}
		p.Numero = req.Numero
	case dossier.ValidNumero(own) && (req.Replace || !has(existing, own)):
		p.Numero = own
	default:
		p.Numero = dossier.FirstFree(used)
		if p.Numero == "" {
			return p, i18n.E(msgNoFree, nil, nil)
		}
		if dossier.ValidNumero(own) {
			p.Notes = append(p.Notes, i18n.NewNote(msgDifferentNum, map[string]any{"Numero": p.Numero, "Own": own}))
		}
	}
	if d, ok := existing[p.Numero]; ok {
		if !req.Replace {
			return p, i18n.E(msgTaken, map[string]any{"Numero": p.Numero}, dossier.ErrExists)
		}
		p.Replaces = &d
	}
	if orig, ok := original(list, p.Numero, in.Identity.Identifiant); ok {
		p.Identifiant = dossier.NewIdentifiant()
		p.Notes = append(p.Notes, i18n.NewNote(msgCopy, map[string]any{"Dossier": dossier.Label(p.Numero, p.Nom), "Original": orig.Label()}))
	}
	if in.Database {
		base := strings.TrimSuffix(filepath.Base(req.File), filepath.Ext(req.File))
		if x, ok := dossier.ParseDBName(base); ok {
			target := dossier.DBName(p.Numero, p.Nom)
			switch x.Kind {
			case dossier.KindExport:
				p.Notes = append(p.Notes, i18n.NewNote(msgExport, map[string]any{"File": filepath.Base(req.File), "Base": target}))
			case dossier.KindCut:
				p.Notes = append(p.Notes, i18n.NewNote(msgCut, map[string]any{"File": filepath.Base(req.File), "Base": target}))
			}
		}
	}
	return p, nil
}

func has(m map[string]dossier.Info, k string) bool { _, ok := m[k]; return ok }

// original finds, among the connexion's other dossiers than numero, the one
// whose identity is identifiant: restoring beside it makes a copy, which
// gets an identity of its own. Replacing a dossier keeps the backup's
// identity, and so does restoring where no dossier has it (a transfer
// base, a dossier lost).
func original(list []dossier.Info, numero, identifiant string) (dossier.Info, bool) {
	if identifiant == "" {
		return dossier.Info{}, false
	}
	for _, d := range list {
		if d.Numero != numero && d.Identifiant == identifiant {
			return d, true
		}
	}
	return dossier.Info{}, false
}

// Run restores. Until the final switch the connexion is untouched; a
// replaced dossier is first backed up (verified) into req.SafetyDir.
func Run(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	if m, info, ok := accessBackup(ctx, req.File, req.Passphrase); ok {
		return runAccess(ctx, req, m, info)
	}
	plan, err := MakePlan(ctx, req)
	res := Result{Plan: plan}
	if err != nil {
		return res, err
	}
	unlock, err := req.Store.Lock(ctx, plan.Numero)
	if err != nil {
		return res, err
	}
	defer unlock()
	stage, err := req.Store.Stage(ctx, plan.Numero, plan.Nom)
	if err != nil {
		return res, err
	}
	defer stage.Abort()
	// A server ends the other sessions at the switch only when the user
	// confirmed replacing an open dossier.
	if d, ok := stage.(interface{ AllowDisconnect() }); ok && req.IgnoreSessions {
		d.AllowDisconnect()
	}

	if err := extract(ctx, req, plan.Input, stage.Path()); err != nil {
		return res, err
	}
	if plan.Input.Manifest != nil {
		_, res.Warnings, err = verify.CheckDatabase(ctx, stage.Path(), plan.Input.Manifest, false, req.Progress)
	} else {
		err = quickCheckFile(ctx, stage.Path(), plan.Input.Identity.Base())
	}
	if err != nil {
		return res, backup.Reword(err, msgDamaged)
	}
	// The dossier's row says the number it is restored under (and a
	// copy's own identity) before it takes its place: one number for every
	// operation after it.
	if err := sqlitestore.SetIdentity(ctx, stage.Path(), plan.Numero, plan.Nom, plan.Identifiant); err != nil {
		return res, err
	}
	// A folder gets the dossier back in the journal mode it had; a server
	// loads the staged file, which stays in rollback mode.
	journal := ""
	if req.Store.Describe().Kind == "sqlite" {
		journal = plan.Input.JournalMode
	}
	if err := sqlitestore.SetJournalMode(ctx, stage.Path(), journal); err != nil {
		return res, err
	}

	exists, err := stage.Exists(ctx)
	if err != nil {
		return res, err
	}
	if exists {
		if !req.Replace {
			return res, i18n.E(msgTaken, map[string]any{"Numero": plan.Numero}, dossier.ErrExists)
		}
		if res.SafetyBackup, err = safetyBackup(ctx, req, plan, &res); err != nil {
			return res, err
		}
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseBascule, Dossier: plan.Numero})
	if err := stage.Commit(ctx, req.Replace); err != nil {
		if fsutil.IsInUse(err) {
			return res, i18n.E(msgHeldOpen, map[string]any{"Numero": plan.Numero, "Who": holders(ctx, req, plan.Numero)}, dossier.ErrInUse)
		}
		return res, err
	}
	if err := reopen(ctx, req, plan, res.SafetyBackup); err != nil {
		return res, err
	}
	res.Path = dossier.DBName(plan.Numero, plan.Nom) + dossier.ExtDB
	if n, ok := stage.(store.Named); ok {
		res.Path = n.Name()
	}
	res.Duration = time.Since(start)
	return res, nil
}

// reopen opens the restored dossier as anyone will from now on, by its
// number under its final name, before the restore is reported done: a
// switch that left nothing there (on Windows, the old name compared
// case-sensitively removed the file just restored) is an error, not a
// « Dossier restauré ».
func reopen(ctx context.Context, req Request, plan Plan, safety string) error {
	snap, err := req.Store.Snapshot(ctx, plan.Numero, store.SnapshotOptions{})
	if err == nil {
		return snap.Close()
	}
	return i18n.E(msgNotReopened, map[string]any{"Numero": plan.Numero, "Safety": safety}, fmt.Errorf("%w: %w", dossier.ErrNotFound, err))
}

// holders says who the dossier's sessions table lists (workstation, user,
// program), "" when nobody: who probably holds the file open.
func holders(ctx context.Context, req Request, numero string) string {
	snap, err := store.InStore(req.Store, numero).Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		return ""
	}
	sessions, err := snap.Sessions(ctx)
	snap.Close()
	if err != nil {
		return ""
	}
	var who []string
	for _, s := range (dossier.SessionPolicy{Idle: req.SessionIdle}).Classify(sessions) {
		who = append(who, s.String())
	}
	return strings.Join(who, " ; ")
}

// OtherDossier reports whether replacing existing by incoming replaces one
// company's books by another's: both identities known and different. Such
// a restore needs its own confirmation.
func OtherDossier(existing, incoming dossier.Identity) bool {
	return existing.Identifiant != "" && incoming.Identifiant != "" && existing.Identifiant != incoming.Identifiant
}

// safetyBackup checks that replacing is confirmed for what is there now,
// then backs it up, verified, and returns the backup's path.
func safetyBackup(ctx context.Context, req Request, plan Plan, res *Result) (string, error) {
	ref := store.InStore(req.Store, plan.Numero)
	snap, err := ref.Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		return "", err
	}
	cur := snap.Identity()
	sessions, err := snap.Sessions(ctx)
	snap.Close()
	if err != nil {
		return "", err
	}
	incoming := plan.Input.Identity
	if OtherDossier(cur, incoming) && !req.OtherDossier {
		return "", i18n.E(msgIdentity, map[string]any{
			"Numero":   plan.Numero,
			"Existing": strings.TrimSpace(cur.RaisonSociale + " " + cur.Identifiant),
			"Incoming": strings.TrimSpace(incoming.RaisonSociale + " " + incoming.Identifiant),
		}, dossier.ErrExists)
	}
	notes, err := dossier.SessionPolicy{Confirm: req.IgnoreSessions, Idle: req.SessionIdle}.Check(plan.Numero, sessions)
	res.Warnings = append(res.Warnings, notes...)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
		return "", err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: plan.Numero})
	sb, err := backup.Run(ctx, backup.Request{Source: ref, DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress})
	if err != nil {
		return "", err
	}
	return sb.Path, nil
}

// extract writes the database to restore at dst and syncs it.
func extract(ctx context.Context, req Request, in Input, dst string) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if in.Database {
		snap, err := sqlitestore.SnapshotFile(ctx, in.Path, store.SnapshotOptions{TempDir: filepath.Dir(dst)})
		if err != nil {
			return err
		}
		defer snap.Close()
		r, size, err := snap.Database(ctx)
		if err != nil {
			return err
		}
		if _, err := dossier.Copy(ctx, f, r, size, req.Progress, dossier.PhaseExtraction, in.Identity.Numero); err != nil {
			return err
		}
		return f.Sync()
	}
	seen := false
	_, err = pack.Read(ctx, in.Path, pack.ReadOptions{Passphrase: req.Passphrase, Progress: req.Progress, Phase: dossier.PhaseExtraction, Dossier: in.Identity.Numero},
		func(p pack.Part, r io.Reader) error {
			if p.Name != pack.DatabasePart || seen {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			seen = true
			if err := pack.CheckRoom(filepath.Dir(dst), p); err != nil {
				return err
			}
			// Large writes: the frames arrive decoded in parallel.
			_, err := io.CopyBuffer(sqlitestore.ImageWriter(f, p.Size), r, make([]byte, 1<<20))
			return err
		})
	if err != nil {
		return err
	}
	return f.Sync()
}

func quickCheckFile(ctx context.Context, path, label string) error {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := backup.QuickCheck(ctx, db, label); err != nil {
		return fmt.Errorf("%w (%w)", err, dossier.ErrCorrupt)
	}
	return nil
}

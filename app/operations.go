package app

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/catalogue"
	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/paths"
	"coffre/internal/report"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/verify"
)

// inputKind says what an operation works on.
type inputKind int

const (
	fromDossiers inputKind = iota // dossiers of the connexion
	fromFiles                     // backup files
)

// operation is one entry of the Opération step. The wizard's steps read
// these fields; adding an operation is adding an entry to operations.
type operation struct {
	id    string
	label *i18n.Message
	help  *i18n.Message
	input inputKind
	// files is what a file operation lists and picks (nil: backups).
	files *fileKind
	// single: exactly one file or dossier. numero: choose the number to
	// restore under. target: choose the connexion's dossier the file is
	// applied to.
	single, numero, target bool
	// needV1: the operation works on management-software dossiers only.
	needV1 bool
	// listed, if set, picks the dossiers the Dossiers step proposes (listedHint
	// says which); « Afficher tous les dossiers » shows the others.
	listed     func(d dossier.Info) bool
	listedHint *i18n.Message
	// verifyAfter: « Vérifier après » applies.
	verifyAfter bool
	// right is the employee right the operation needs: a code with it is
	// asked for before it runs.
	right employes.Right
	// fields are the Options step, in order; request, if set, is the
	// engine request the choices make, whose Validate the step calls last.
	fields  []field
	request func(w *wizard) validator
	summary func(w *wizard) []line
	run     func(ctx context.Context, j *job) outcome
}

// fileKind is what a file operation works on: which files the Dossiers step
// lists and how it names them.
type fileKind struct {
	ext    string        // ".pbf"
	folder *i18n.Message // label of the folder field
	empty  *i18n.Message // the folder holds none
	pick   *i18n.Message // title of the file picker
	filter *i18n.Message // the picker's filter name
	need   *i18n.Message // Suivant with no file chosen
}

var backupFiles = &fileKind{ext: dossier.ExtPBF, folder: msgBackupsFolder, empty: msgNoBackup, pick: msgPickBackup, filter: msgBackupFiles, need: msgNeedFile}

// fileKind of op: backups unless it says otherwise.
func (op *operation) fileKind() *fileKind {
	if op.files != nil {
		return op.files
	}
	return backupFiles
}

// line is one sentence of the summary or the result; warn shows it in the
// warning colour.
type line struct {
	text string
	warn bool
}

// job is what an operation runs with, copied from the wizard so that the
// working goroutine never reads widgets or wizard state.
type job struct {
	o        Options
	store    store.Store
	infos    map[string]dossier.Info
	entries  map[string]catalogue.Entry
	plan     *restore.Plan
	progress dossier.Progress
	now      func() time.Time
	// started tells which item (of total) starts, with its label.
	started func(index, total int, label string)
}

// outcome is an operation's result for the Résultat step: the summary
// every presenter shows (internal/report), and the folder « Ouvrir le
// dossier » opens.
type outcome struct {
	report.Summary
	dir string
}

var (
	opLabelBackup  = &i18n.Message{ID: "UIOpSauvegarde", Other: "Sauvegarde"}
	opHelpBackup   = &i18n.Message{ID: "UIOpSauvegardeAide", Other: "Copie complète et compressée des dossiers choisis dans des fichiers .pbf."}
	opLabelRestore = &i18n.Message{ID: "UIOpRestauration", Other: "Restauration"}
	opHelpRestore  = &i18n.Message{ID: "UIOpRestaurationAide", Other: "Remet un dossier dans la connexion à partir d'une sauvegarde (.pbf)."}
	opLabelVerify  = &i18n.Message{ID: "UIOpVerification", Other: "Vérification"}
	opHelpVerify   = &i18n.Message{ID: "UIOpVerificationAide", Other: "Contrôle qu'une sauvegarde est complète et lisible : sommes de contrôle, base, totaux."}
	opLabelContent = &i18n.Message{ID: "UIOpContenu", Other: "Contenu d'une sauvegarde"}
	opHelpContent  = &i18n.Message{ID: "UIOpContenuAide", Other: "Montre ce que contient une sauvegarde avant de la restaurer."}

	resFailed       = &i18n.Message{ID: "UIResEchec", Other: "L'opération a échoué"}
	resCanceled     = &i18n.Message{ID: "UIResAnnulee", Other: "Opération annulée"}
	resCanceledText = &i18n.Message{ID: "UIResAnnuleeTexte", Other: "Rien n'a été écrit : aucun fichier partiel n'est resté."}

	sumBackupInto   = &i18n.Message{ID: "UIResumeSauvegardeVers", One: "{{.Count}} dossier sera sauvegardé dans « {{.Dir}} » :", Other: "{{.Count}} dossiers seront sauvegardés dans « {{.Dir}} » :"}
	sumBackupItem   = &i18n.Message{ID: "UIResumeSauvegardeFichier", Other: "• {{.Numero}} {{.Nom}} — {{.RaisonSociale}} : {{.File}}"}
	sumVerifyAfter  = &i18n.Message{ID: "UIResumeVerifierApres", Other: "Chaque fichier sera relu et vérifié après écriture."}
	sumNoVerify     = &i18n.Message{ID: "UIResumeSansVerification", Other: "Les fichiers ne seront pas relus après écriture (« Vérifier après » n'est pas coché)."}
	sumEncrypted    = &i18n.Message{ID: "UIResumeChiffre", Other: "Les fichiers seront chiffrés : sans la phrase secrète, personne ne pourra les restaurer, pas même vous."}
	sumNothingOver  = &i18n.Message{ID: "UIResumeRienRemplace", Other: "Rien ne sera remplacé : si un fichier du même nom existe, le nouveau reçoit un suffixe (_2, _3…)."}
	sumRestoreFrom  = &i18n.Message{ID: "UIResumeRestaurerDepuis", Other: "La sauvegarde « {{.File}} » (dossier {{.Numero}} {{.Nom}} — {{.RaisonSociale}}, du {{.When}}) sera restaurée dans « {{.Conn}} »."}
	sumRestoreAs    = &i18n.Message{ID: "UIResumeRestaurerSous", Other: "Elle deviendra le dossier n° {{.Numero}} : fichier {{.File}}."}
	sumReplaces     = &i18n.Message{ID: "UIResumeRemplace", Other: "Le dossier n° {{.Numero}} actuel ({{.Nom}} — {{.RaisonSociale}}) sera REMPLACÉ. Une sauvegarde de sécurité vérifiée en sera faite avant, dans « {{.Dir}} »."}
	sumNoReplace    = &i18n.Message{ID: "UIResumeAucunRemplacement", Other: "Aucun dossier existant ne sera remplacé."}
	sumRestoreCheck = &i18n.Message{ID: "UIResumeRestaurerControle", Other: "La copie est d'abord extraite à côté et contrôlée (base, nombres de lignes, totaux) ; la connexion n'est modifiée qu'à la fin."}
	sumVerifyFiles  = &i18n.Message{ID: "UIResumeVerifierFichiers", One: "{{.Count}} fichier sera vérifié ({{.Level}}) :", Other: "{{.Count}} fichiers seront vérifiés ({{.Level}}) :"}
	sumContentFiles = &i18n.Message{ID: "UIResumeContenuFichiers", One: "Le contenu de {{.Count}} fichier sera affiché :", Other: "Le contenu de {{.Count}} fichiers sera affiché :"}
	sumFileItem     = &i18n.Message{ID: "UIResumeFichier", Other: "• {{.File}}"}
	sumReadOnly     = &i18n.Message{ID: "UIResumeLectureSeule", Other: "Rien ne sera modifié : les fichiers sont seulement lus."}
)

// operations is the Opération step's list, in display order.
var operations = []*operation{
	{id: "sauvegarde", label: opLabelBackup, help: opHelpBackup, input: fromDossiers, verifyAfter: true,
		fields: []field{destField{}, nameField{}, apart{encryptField{}}}, request: backupRequest,
		summary: backupSummary, run: runBackup},
	{id: "restauration", label: opLabelRestore, help: opHelpRestore, input: fromFiles, single: true, numero: true,
		fields: []field{readPassField{}, replaceField{}}, request: restorePlanner,
		summary: restoreSummary, run: runRestore},
	{id: "verification", label: opLabelVerify, help: opHelpVerify, input: fromFiles,
		fields: []field{readPassField{}, levelField{}}, summary: verifySummary, run: runVerify},
	{id: "contenu", label: opLabelContent, help: opHelpContent, input: fromFiles,
		fields: []field{readPassField{}}, summary: contentSummary, run: runContent},
	{id: "export", label: opLabelExport, help: opHelpExport, input: fromDossiers,
		fields: []field{own(exportOptions, exportCheck)}, request: exportRequest, summary: exportSummary, run: runExport},
	{id: "transfert-envoi", label: opLabelPTFSend, help: opHelpPTFSend, input: fromDossiers, needV1: true,
		fields: []field{destField{}, own(ptfSendOptions, nil)}, request: ptfSendRequest, summary: ptfSendSummary, run: runPTFSend},
	{id: "transfert-reception", label: opLabelPTFReceive, help: opHelpPTFReceive, input: fromFiles, files: ptfFiles,
		single: true, target: true, fields: []field{readPassField{}}, request: ptfReceiveRequest, summary: ptfReceiveSummary, run: runPTFReceive},
	{id: "archivage", label: opLabelArchive, help: opHelpArchive, input: fromDossiers, needV1: true, right: employes.Archiver,
		fields: []field{destField{}, own(archiveOptions, archiveCheck)}, request: archiveRequest, summary: archiveSummary, run: runArchive},
	{id: "desarchivage", label: opLabelUnarchive, help: opHelpUnarchive, input: fromFiles, files: pafFiles, single: true, target: true,
		fields: []field{readPassField{}, own(unarchiveOptions, unarchiveCheck)}, request: unarchiveRequest, summary: unarchiveSummary, run: runUnarchive},
	{id: "administration", label: opLabelAdmin, help: opHelpAdmin, input: fromDossiers, single: true, needV1: true,
		fields: []field{destField{}, own(adminOptions, adminCheck)}, request: adminRequest, summary: adminSummary, run: runAdmin},
	{id: "decoupe", label: opLabelCut, help: opHelpCut, input: fromDossiers, single: true, needV1: true, right: employes.Archiver,
		listed: cut.Eligible, listedHint: msgCutListed,
		fields: []field{destField{}, own(cutOptions, cutCheck)}, request: cutRequest, summary: cutSummary, run: runCut},
}

// hasDestination reports whether the operation asks for a destination
// folder (remembered for the next time once it succeeds).
func (op *operation) hasDestination() bool {
	for _, f := range op.fields {
		if _, ok := f.(destField); ok {
			return true
		}
	}
	return false
}

// backupRequest is the engine's request for the chosen options (one
// dossier's; the others differ only in their source).
func backupRequest(w *wizard) validator {
	o := &w.opts
	req := backup.Request{DestDir: o.DestDir, Verify: o.VerifyAfter}
	if len(o.Dossiers) == 1 {
		req.Name = o.Name
	}
	if o.Encrypt {
		req.Passphrase = o.Passphrase
	}
	return req
}

func operationByID(id string) *operation {
	for _, op := range operations {
		if op.id == id {
			return op
		}
	}
	return nil
}

func backupSummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumBackupInto, int64(len(o.Dossiers)), map[string]any{"Dir": o.DestDir})}}
	for _, n := range o.Dossiers {
		d := w.info(n)
		name := dossier.BackupName(d.Numero, d.Nom, w.now())
		if len(o.Dossiers) == 1 && o.Name != "" {
			name = o.Name
		}
		out = append(out, line{text: i18n.T(sumBackupItem, map[string]any{
			"Numero": d.Numero, "Nom": d.Nom, "RaisonSociale": d.RaisonSociale, "File": name + dossier.ExtPBF})})
	}
	if o.VerifyAfter {
		out = append(out, line{text: i18n.T(sumVerifyAfter, nil)})
	} else {
		out = append(out, line{text: i18n.T(sumNoVerify, nil), warn: true})
	}
	if o.Encrypt {
		out = append(out, line{text: i18n.T(sumEncrypted, nil), warn: true})
	}
	return append(out, line{text: i18n.T(sumNothingOver, nil)})
}

func runBackup(ctx context.Context, j *job) outcome {
	o := j.o
	res := backupAll(ctx, j.store, j.dossierItems(), backup.Request{DestDir: o.DestDir, Name: o.Name,
		Verify: o.VerifyAfter, Passphrase: o.Passphrase}, runOptions[backup.Result](j))
	return outcome{Summary: report.Backups(res), dir: o.DestDir}
}

// backupAll backs up the items (dossiers of s, by numero) through the batch
// runner, each with req; the file name req.Name only applies to a single
// dossier. The wizard and the exit-time prompt both back up this way.
func backupAll(ctx context.Context, s store.Store, items []batch.Item, req backup.Request, opt batch.Options[backup.Result]) batch.Result[backup.Result] {
	if len(items) > 1 {
		req.Name = ""
	}
	return batch.Run(ctx, items, func(ctx context.Context, it batch.Item, p dossier.Progress) (backup.Result, error) {
		r := req
		r.Source, r.Progress = store.InStore(s, it.Key), p
		return backup.Run(ctx, r)
	}, opt)
}

// runOptions connects the batch runner to the Exécution step's display.
func runOptions[R any](j *job) batch.Options[R] {
	return batch.Options[R]{
		Started:  func(i, total int, it batch.Item) { j.started(i, total, it.Label) },
		Progress: func(s batch.Step) { j.progress.Report(s.Event) },
	}
}

// dossierItems are the chosen dossiers, as the runner's items.
func (j *job) dossierItems() []batch.Item {
	var out []batch.Item
	for _, n := range j.o.Dossiers {
		d := j.infos[n]
		out = append(out, batch.Item{Key: n, Label: dossier.Label(d.Numero, d.Nom)})
	}
	return out
}

// fileItems are the chosen files, as the runner's items.
func (j *job) fileItems() []batch.Item {
	var out []batch.Item
	for _, f := range j.o.Files {
		out = append(out, batch.Item{Key: f, Label: filepath.Base(f)})
	}
	return out
}

// restoreRequest is the engine request the wizard's choices make.
func restoreRequest(o *Options, s store.Store) restore.Request {
	return restore.Request{
		File: firstFile(o), Passphrase: o.Passphrase, Store: s, Numero: o.Numero,
		Replace: o.Replace, OtherDossier: o.OtherDossier, IgnoreSessions: o.IgnoreSessions, SessionIdle: sessionIdle(), SafetyDir: paths.Safety(),
	}
}

func firstFile(o *Options) string {
	if len(o.Files) == 0 {
		return ""
	}
	return o.Files[0]
}

// restorePlanner is the restore's request as the Options step checks it:
// its Validate asks the engine for the plan, which reads the file (with its
// passphrase) and refuses a number already taken without « Remplacer »;
// the plan is kept for the summary.
func restorePlanner(w *wizard) validator { return planner{w} }

type planner struct{ w *wizard }

// Validate is the request's own rules; slow reads the file for the plan.
func (p planner) Validate() error {
	return restoreRequest(&p.w.opts, p.w.store).Validate()
}

func (p planner) slow() slowCheck {
	req := restoreRequest(&p.w.opts, p.w.store)
	return func(ctx context.Context) (func(bool) error, error) {
		plan, err := restore.MakePlan(ctx, req)
		return func(ok bool) error {
			if ok {
				p.w.plan = &plan
			}
			return nil
		}, err
	}
}

func restoreSummary(w *wizard) []line {
	p := w.plan
	if p == nil {
		return nil
	}
	id := p.Input.Identity
	when := "—"
	if p.Input.Manifest != nil {
		when = i18n.DateTime(p.Input.Manifest.CreatedAt)
	}
	out := []line{
		{text: i18n.T(sumRestoreFrom, map[string]any{"File": filepath.Base(p.Input.Path), "Numero": id.Numero, "Nom": id.Nom,
			"RaisonSociale": id.RaisonSociale, "When": when, "Conn": w.opts.RememberedConnexion()})},
		{text: i18n.T(sumRestoreAs, map[string]any{"Numero": p.Numero, "File": dossier.DBName(p.Numero, p.Nom) + dossier.ExtDB})},
	}
	if r := p.Replaces; r != nil {
		out = append(out, line{text: i18n.T(sumReplaces, map[string]any{"Numero": r.Numero, "Nom": r.Nom, "RaisonSociale": r.RaisonSociale, "Dir": paths.Safety()}), warn: true})
	} else {
		out = append(out, line{text: i18n.T(sumNoReplace, nil)})
	}
	for _, n := range report.PlanNotes(*p) {
		out = append(out, line{text: n.String()})
	}
	return append(out, line{text: i18n.T(sumRestoreCheck, nil)})
}

func runRestore(ctx context.Context, j *job) outcome {
	req := restoreRequest(&j.o, j.store)
	req.Progress = j.progress
	id := j.entries[req.File].Identity()
	j.started(0, 1, dossier.Label(id.Numero, id.Nom))
	res, err := restore.Run(ctx, req)
	out := outcome{Summary: report.Restore(res, err)}
	if !j.o.ODBC {
		out.dir = j.o.Folder
	}
	return out
}

func fileList(o *Options) []line {
	var out []line
	for _, f := range o.Files {
		out = append(out, line{text: i18n.T(sumFileItem, map[string]any{"File": f})})
	}
	return out
}

func verifySummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumVerifyFiles, int64(len(o.Files)), map[string]any{"Level": report.VerifyLevel(o.Complete)})}}
	out = append(out, fileList(o)...)
	return append(out, line{text: i18n.T(sumReadOnly, nil)})
}

func runVerify(ctx context.Context, j *job) outcome {
	res := batch.Run(ctx, j.fileItems(), func(ctx context.Context, it batch.Item, p dossier.Progress) (verify.Report, error) {
		return verify.File(ctx, it.Key, verify.Options{Passphrase: j.o.Passphrase, Complete: j.o.Complete, Progress: p})
	}, runOptions[verify.Report](j))
	return outcome{Summary: report.Verifications(res, j.o.Complete), dir: filepath.Dir(firstFile(&j.o))}
}

func contentSummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumContentFiles, int64(len(o.Files)), nil)}}
	out = append(out, fileList(o)...)
	return append(out, line{text: i18n.T(sumReadOnly, nil)})
}

func runContent(ctx context.Context, j *job) outcome {
	res := batch.Run(ctx, j.fileItems(), func(ctx context.Context, it batch.Item, p dossier.Progress) (report.Inspected, error) {
		m, err := pack.Inspect(ctx, it.Key, pack.ReadOptions{Passphrase: j.o.Passphrase, Progress: p, Dossier: it.Label})
		in := report.Inspected{Path: it.Key, Manifest: m}
		if fi, serr := os.Stat(it.Key); serr == nil {
			in.Size = fi.Size()
		}
		return in, err
	}, runOptions[report.Inspected](j))
	return outcome{Summary: report.Inspections(res), dir: filepath.Dir(firstFile(&j.o))}
}

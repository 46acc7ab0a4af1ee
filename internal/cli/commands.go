package cli

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"coffre/internal/access"
	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/connexion"
	"coffre/internal/demo"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/report"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

var (
	msgFlagVers        = &i18n.Message{ID: "FlagVers", Other: "dossier de destination"}
	msgFlagNom         = &i18n.Message{ID: "FlagNom", Other: "nom du fichier (sans extension) ; défaut 001-SOC_AAAAMMJJ_HHMM"}
	msgFlagVerifier    = &i18n.Message{ID: "FlagVerifier", Other: "relire et vérifier la sauvegarde après l'avoir écrite"}
	msgFlagFichier     = &i18n.Message{ID: "FlagFichier", Other: "sauvegarder ce fichier au lieu d'un dossier de la connexion : une base SQLite (de n'importe quel schéma), ou une base Access .mdb/.accdb (copiée entière, seulement si personne ne l'a ouverte)"}
	msgFlagComplet     = &i18n.Message{ID: "FlagComplet", Other: "vérification complète (integrity_check et clés étrangères : plus lente)"}
	msgFlagNumero      = &i18n.Message{ID: "FlagNumero", Other: "numéro sous lequel restaurer (défaut : le sien, ou le premier libre)"}
	msgFlagRemplacer   = &i18n.Message{ID: "FlagRemplacer", Other: "remplacer le dossier existant (une sauvegarde de sécurité est prise avant)"}
	msgFlagAutre       = &i18n.Message{ID: "FlagAutreDossier", Other: "confirmer le remplacement par un dossier d'une autre identité"}
	msgFlagTaille      = &i18n.Message{ID: "FlagTaille", Other: "taille approximative du premier dossier, en Mo (pour les essais de performance)"}
	msgFlagEmploye     = &i18n.Message{ID: "FlagEmploye", Other: "code de l'employé (donné par le logiciel de gestion)"}
	msgFlagDetails     = &i18n.Message{ID: "FlagDetails", Other: "afficher où le temps est passé (lecture, compression, contrôle, vérification)"}
	msgFlagSauvegardes = &i18n.Message{ID: "FlagSauvegardes", Other: "dossier où chercher la dernière sauvegarde de chaque dossier"}

	msgNeedSource = &i18n.Message{ID: "CLIDossierManquant", Other: "indiquez le ou les dossiers avec --dossier, ou un fichier avec --fichier"}
	msgNameMany   = &i18n.Message{ID: "CLINomPlusieurs", Other: "--nom ne peut servir qu'avec un seul dossier"}
	msgDemoDone   = &i18n.Message{ID: "CLIDemo", Other: "Dossiers de démonstration écrits dans {{.Dir}}."}
	msgEmptyList  = &i18n.Message{ID: "CLIListeVide", Other: "Aucun dossier dans {{.Dir}}."}
	msgNoGUI      = &i18n.Message{ID: "CLISansFenetre", Other: "cette commande ouvre une fenêtre, indisponible ici"}
	msgArgFolder  = &i18n.Message{ID: "CLIArgDossier", Other: "le dossier où écrire"}

	sumListe     = &i18n.Message{ID: "ResumeListe", Other: "liste les dossiers d'une connexion"}
	sumSauver    = &i18n.Message{ID: "ResumeSauvegarder", Other: "sauvegarde un ou plusieurs dossiers (fichiers .pbf)"}
	sumVerifier  = &i18n.Message{ID: "ResumeVerifier", Other: "vérifie une sauvegarde : sommes de contrôle, base, totaux"}
	sumContenu   = &i18n.Message{ID: "ResumeContenu", Other: "montre ce que contient une sauvegarde"}
	sumRestaurer = &i18n.Message{ID: "ResumeRestaurer", Other: "restaure une sauvegarde (ou un fichier .db) dans une connexion"}
	sumDemo      = &i18n.Message{ID: "ResumeDemo", Other: "écrit des dossiers de démonstration"}
	sumQuitter   = &i18n.Message{ID: "ResumeQuitter", Other: "fenêtre « Voulez-vous sauvegarder ? » à la fermeture du logiciel de gestion"}
)

func init() {
	register(&command{name: "liste", aliases: []string{"list"}, summary: sumListe, usage: "[--connexion C] [--json]",
		new: func() verb { return &listeCmd{} }})
	register(&command{name: "sauvegarder", aliases: []string{"backup"}, summary: sumSauver,
		usage: "--connexion C --dossier N[,N…] --vers DOSSIER [--nom NOM] [--verifier] [--phrase-secrete-fichier F] [--json]",
		new:   func() verb { return &backupCmd{} }})
	register(&command{name: "verifier", aliases: []string{"verify"}, summary: sumVerifier, args: 1, optionalArgs: true,
		usage: "FICHIER [--complet] [--phrase-secrete-fichier F | --identite-fichier F] [--json] [--connexion odbc:… --utilisateur U --mot-de-passe-fichier F] | --distant [--config F] [--complet]",
		new:   func() verb { return &verifyCmd{} }})
	register(&command{name: "contenu", aliases: []string{"inspect"}, summary: sumContenu, args: 1,
		usage: "FICHIER [--json] [--phrase-secrete-fichier F | --identite-fichier F]",
		new:   func() verb { return &contentCmd{} }})
	register(&command{name: "restaurer", aliases: []string{"restore"}, summary: sumRestaurer, args: 1,
		usage: "FICHIER --connexion C [--numero N] [--remplacer] [--ignorer-sessions] [--phrase-secrete-fichier F | --identite-fichier F] [--json]",
		new:   func() verb { return &restoreCmd{} }})
	register(&command{name: "demo", summary: sumDemo, usage: "DOSSIER [--taille MO]", args: 1, argName: msgArgFolder,
		new: func() verb { return &demoCmd{} }})
	register(&command{name: "quitter", aliases: []string{"exit-prompt"}, summary: sumQuitter,
		usage: "[--connexion C] [--employe CODE]",
		new:   func() verb { return &exitPromptCmd{} }})
}

// liste

type listeCmd struct {
	conn    connexionOpts
	backups string
	json    jsonOpt
}

func (c *listeCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.StringVar(&c.backups, "sauvegardes", "", i18n.T(msgFlagSauvegardes, nil))
	c.json.flags(fs)
}

var (
	msgListHeader   = &i18n.Message{ID: "CLIEnteteListe", Other: "N°\tNom\tFichier\tRaison sociale\tExercices\tTaille\tDernière sauvegarde"}
	msgNotV1        = &i18n.Message{ID: "CLIPasV1", Other: "(base {{.Moteur}} hors schéma de gestion)"}
	msgUnrecognised = &i18n.Message{ID: "DossierNonReconnu", Other: "non reconnu : {{.Reason}}"}
	msgConflict     = &i18n.Message{ID: "DossierNumeroConflit", Other: "même numéro que {{.Files}} (renommez ou renumérotez l'un d'eux) —"}
)

// engineName names the connexion's database engine for a person.
func engineName(dialect string) string {
	switch dialect {
	case "postgresql":
		return "PostgreSQL"
	case "sqlserver":
		return "SQL Server"
	}
	return "SQLite"
}

func (c *listeCmd) run(env *Env, args []string) error {
	s, err := c.conn.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := connexion.List(env.Ctx, s, connexion.DefaultBackupDirs(c.backups))
	if err != nil {
		return err
	}
	if c.json {
		return env.printJSON(list, nil)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.Stdout, i18n.T(msgEmptyList, map[string]any{"Dir": s.Describe().Location}))
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T(msgListHeader, nil))
	for _, d := range list {
		ex := "—"
		if d.Exercices > 0 {
			ex = fmt.Sprintf("%d (%s–%s)", d.Exercices, report.Clean(d.PremierExercice), report.Clean(d.DernierExercice))
		}
		rs := report.Clean(d.RaisonSociale)
		switch {
		case d.Unrecognised:
			rs = "⚠ " + i18n.T(msgUnrecognised, map[string]any{"Reason": report.Clean(d.Error)})
		case d.Error != "":
			rs = "⚠ " + report.Clean(d.Error)
		case d.Schema == "":
			rs = i18n.T(msgNotV1, map[string]any{"Moteur": engineName(s.Describe().Dialect)})
		}
		if len(d.Conflict) > 0 {
			rs = "⚠ " + i18n.T(msgConflict, map[string]any{"Files": report.Clean(strings.Join(d.Conflict, ", "))}) + " " + rs
		}
		last := "—"
		if !d.DerniereSauvegarde.IsZero() {
			last = i18n.DateTime(d.DerniereSauvegarde)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cmp.Or(report.Clean(d.Numero), "—"), cmp.Or(report.Clean(d.Nom), "—"), report.Clean(d.Fichier), rs, ex, i18n.Bytes(d.Taille), last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// What the listing found beside a dossier (a journal it did not apply).
	for _, d := range list {
		for _, n := range d.Notes {
			fmt.Fprintln(env.Stderr, n.String())
		}
	}
	return nil
}

// sauvegarder

type backupCmd struct {
	conn     connexionOpts
	dossiers numeros
	file     string
	dest     string
	name     string
	verify   bool
	pass     passOpt
	details  bool
	json     jsonOpt
}

func (c *backupCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagDossier, nil))
	fs.StringVar(&c.file, "fichier", "", i18n.T(msgFlagFichier, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagVers, nil))
	fs.StringVar(&c.name, "nom", "", i18n.T(msgFlagNom, nil))
	fs.BoolVar(&c.verify, "verifier", false, i18n.T(msgFlagVerifier, nil))
	c.pass.flags(fs)
	fs.BoolVar(&c.details, "details", false, i18n.T(msgFlagDetails, nil))
	c.json.flags(fs)
}

// request is the engine's request for one source.
func (c *backupCmd) request(src store.Ref, pass string, idle time.Duration) backup.Request {
	return backup.Request{Source: src, DestDir: c.dest, Name: c.name, Verify: c.verify, Passphrase: pass, SessionIdle: idle}
}

func (c *backupCmd) run(env *Env, args []string) error {
	if err := c.request(nil, "", 0).Validate(); err != nil {
		return err
	}
	pass, err := c.pass.read()
	if err != nil {
		return err
	}
	if c.file != "" && access.IsAccess(c.file) {
		return c.runAccess(env, pass)
	}
	refs := map[string]store.Ref{}
	var items []batch.Item
	if c.file != "" {
		refs[c.file] = sqlitestore.File(c.file)
		items = append(items, batch.Item{Key: c.file, Label: filepath.Base(c.file)})
	}
	if len(c.dossiers) > 0 {
		s, err := c.conn.open(env)
		if err != nil {
			return err
		}
		defer s.Close()
		for _, n := range c.dossiers {
			refs[n] = store.InStore(s, n)
			items = append(items, batch.Item{Key: n, Label: n})
		}
	}
	if len(items) == 0 {
		return usagef(msgNeedSource, nil)
	}
	if c.name != "" && len(items) > 1 {
		return usagef(msgNameMany, nil)
	}
	idle := sessionIdle()
	// stdout gets one path per line, for scripts; the sentences go to
	// stderr.
	return runBatch(env, env.Stderr, items, c.json, report.TitleBackup,
		func(ctx context.Context, it batch.Item, p dossier.Progress) (backup.Result, error) {
			req := c.request(refs[it.Key], pass, idle)
			req.Progress = p
			return backup.Run(ctx, req)
		}, report.Backup, func(o batch.Outcome[backup.Result]) {
			if o.Status != batch.Done {
				return
			}
			fmt.Fprintln(env.Stdout, o.Result.Path)
			if c.details {
				env.printLines(env.Stderr, []report.Line{report.BackupDetails(o.Result)})
			}
		})
}

var msgAccessOneFile = &i18n.Message{ID: "CLIAccessSeule", Other: "une base Access (--fichier …mdb/.accdb) se sauvegarde seule : retirez --dossier"}

// runAccess is sauvegarder --fichier X.mdb: the Access database is packed
// whole, and only while no .ldb/.laccdb lock file says it is open. Access
// files are reached through --fichier only: a folder connexion lists
// SQLite dossiers.
func (c *backupCmd) runAccess(env *Env, pass string) error {
	if len(c.dossiers) > 0 {
		return usagef(msgAccessOneFile, nil)
	}
	res, err := backup.RunAccess(env.Ctx, backup.AccessRequest{
		File: c.file, DestDir: c.dest, Name: c.name, Passphrase: pass, Verify: c.verify, Progress: env.progress(),
	})
	env.endProgress()
	s := report.Summary{Title: report.TitleBackup, Facts: res, Err: err}
	if err == nil {
		s.Lines = report.AccessBackup(filepath.Base(c.file), res)
	}
	if c.json {
		return env.printJSON(s, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, res.Path)
	env.printLines(env.Stderr, s.Lines)
	return nil
}

// verifier

type verifyCmd struct {
	complete bool
	pass     openOpt
	json     jsonOpt
	remote   bool
	config   configOpt
	// live: the server the backup was taken from, to compare each table's
	// content with (--connexion odbc:…).
	live connexionOpts
}

func (c *verifyCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.complete, "complet", false, i18n.T(msgFlagComplet, nil))
	c.pass.flags(fs)
	c.json.flags(fs)
	fs.BoolVar(&c.remote, "distant", false, i18n.T(msgFlagDistant, nil))
	c.config.flags(fs)
	c.live.flags(fs)
	fs.Lookup("connexion").Usage = i18n.T(msgFlagLive, nil)
}

var (
	msgFlagLive      = &i18n.Message{ID: "FlagConnexionVivante", Other: "compare aussi le contenu de chaque table (lignes et empreinte) avec la base vivante de ce serveur PostgreSQL (odbc:…)"}
	msgLiveNotServer = &i18n.Message{ID: "CLIComparaisonServeur", Other: "La comparaison avec la base vivante demande une connexion à un serveur PostgreSQL (--connexion odbc:…)."}
)

func (c *verifyCmd) run(env *Env, args []string) error {
	if c.remote {
		return c.runRemote(env, args)
	}
	if len(args) == 0 {
		return usagef(msgNeedArg, map[string]any{"What": i18n.T(msgArgFile, nil)})
	}
	pass, err := c.pass.read()
	if err != nil {
		return err
	}
	var live verify.LiveBase
	if c.live.spec != "" {
		s, err := c.live.open(env)
		if err != nil {
			return err
		}
		defer s.Close()
		l, ok := s.(verify.LiveBase)
		if !ok {
			return i18n.E(msgLiveNotServer, nil, nil)
		}
		live = l
	}
	items := []batch.Item{{Key: args[0], Label: filepath.Base(args[0])}}
	return runBatch(env, env.Stdout, items, c.json, report.TitleVerify,
		func(ctx context.Context, it batch.Item, p dossier.Progress) (verify.Report, error) {
			return verify.File(ctx, it.Key, verify.Options{Passphrase: pass, Complete: c.complete, Progress: p, Live: live})
		}, report.Verify(c.complete), nil)
}

// contenu

type contentCmd struct {
	json jsonOpt
	pass openOpt
}

func (c *contentCmd) flags(fs *flag.FlagSet) {
	c.json.flags(fs)
	c.pass.flags(fs)
}

func (c *contentCmd) run(env *Env, args []string) error {
	file := args[0]
	if err := dossier.CheckFile(file); err != nil {
		return err
	}
	pass, err := c.pass.read()
	if err != nil {
		return err
	}
	m, err := pack.Inspect(env.Ctx, file, pack.ReadOptions{Passphrase: pass})
	if err != nil {
		return err
	}
	if c.json {
		return env.printJSON(m, nil)
	}
	var size int64
	if fi, err := os.Stat(file); err == nil {
		size = fi.Size()
	}
	return report.Contents(env.Stdout, file, size, m)
}

// restaurer

type restoreCmd struct {
	conn         connexionOpts
	numero       string
	replace      bool
	otherDossier bool
	sessions     sessionsOpt
	safety       safetyOpt
	pass         openOpt
	json         jsonOpt
}

func (c *restoreCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.StringVar(&c.numero, "numero", "", i18n.T(msgFlagNumero, nil))
	fs.BoolVar(&c.replace, "remplacer", false, i18n.T(msgFlagRemplacer, nil))
	fs.BoolVar(&c.otherDossier, "autre-dossier", false, i18n.T(msgFlagAutre, nil))
	c.sessions.flags(fs)
	c.safety.flags(fs)
	c.pass.flags(fs)
	c.json.flags(fs)
}

func (c *restoreCmd) run(env *Env, args []string) error {
	pass, err := c.pass.read()
	if err != nil {
		return err
	}
	numero := c.numero
	if numero != "" {
		ns, err := dossier.ParseNumeros(numero)
		if err != nil || len(ns) != 1 {
			return dossier.BadField(dossier.FieldNumero, dossier.ErrBadNumero)
		}
		numero = ns[0]
	}
	req := restore.Request{
		File: args[0], Passphrase: pass, Numero: numero,
		Replace: c.replace, OtherDossier: c.otherDossier, IgnoreSessions: bool(c.sessions),
		SessionIdle: sessionIdle(), SafetyDir: c.safety.dir(), Progress: env.progress(),
	}
	return onConnexion(env, &c.conn, c.json, req, func(s store.Store) report.Summary {
		req.Store = s
		return report.Restore(restore.Run(env.Ctx, req))
	})
}

// demo

type demoCmd struct{ size int }

func (c *demoCmd) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.size, "taille", 0, i18n.T(msgFlagTaille, nil))
}

func (c *demoCmd) run(env *Env, args []string) error {
	dir := args[0]
	written, err := demo.Generate(env.Ctx, dir, demo.Options{SizeMB: c.size, Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	for _, p := range written {
		fmt.Fprintln(env.Stdout, p)
	}
	fmt.Fprintln(env.Stderr, i18n.T(msgDemoDone, map[string]any{"Dir": dir}))
	return nil
}

// connexionDemo is the demo connexion for « coffre --demo ».
func connexionDemo(env *Env) (string, error) { return connexion.Demo(env.Ctx) }

// quitter

type exitPromptCmd struct {
	conn    connexionOpts
	employe string
}

func (c *exitPromptCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.StringVar(&c.employe, "employe", "", i18n.T(msgFlagEmploye, nil))
}

func (c *exitPromptCmd) run(env *Env, args []string) error {
	if env.GUI == nil {
		return usagef(msgNoGUI, nil)
	}
	return env.GUI.ExitPrompt(c.conn.spec, c.employe)
}

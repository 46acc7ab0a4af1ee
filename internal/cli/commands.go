package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"coffre/internal/access"
	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/connexion"
	"coffre/internal/demo"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/paths"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

var (
	msgFlagConnexion   = &i18n.Message{ID: "FlagConnexion", Other: "connexion : un dossier de fichiers .db, ou odbc:<chaîne de connexion> (défaut : les dossiers de Coffre)"}
	msgFlagDossier     = &i18n.Message{ID: "FlagDossier", Other: "numéro(s) de dossier, séparés par des virgules : 1,2,15"}
	msgFlagVers        = &i18n.Message{ID: "FlagVers", Other: "dossier de destination"}
	msgFlagNom         = &i18n.Message{ID: "FlagNom", Other: "nom du fichier (sans extension) ; défaut 001-SOC_AAAAMMJJ_HHMM"}
	msgFlagVerifier    = &i18n.Message{ID: "FlagVerifier", Other: "relire et vérifier la sauvegarde après l'avoir écrite"}
	msgFlagPhrase      = &i18n.Message{ID: "FlagPhrase", Other: "fichier dont la première ligne est la phrase secrète (chiffrement)"}
	msgFlagFichier     = &i18n.Message{ID: "FlagFichier", Other: "sauvegarder ce fichier au lieu d'un dossier de la connexion : une base SQLite (de n'importe quel schéma), ou une base Access .mdb/.accdb (copiée entière, seulement si personne ne l'a ouverte)"}
	msgFlagComplet     = &i18n.Message{ID: "FlagComplet", Other: "vérification complète (integrity_check et clés étrangères : plus lente)"}
	msgFlagNumero      = &i18n.Message{ID: "FlagNumero", Other: "numéro sous lequel restaurer (défaut : le sien, ou le premier libre)"}
	msgFlagRemplacer   = &i18n.Message{ID: "FlagRemplacer", Other: "remplacer le dossier existant (une sauvegarde de sécurité est prise avant)"}
	msgFlagAutre       = &i18n.Message{ID: "FlagAutreDossier", Other: "confirmer le remplacement par un dossier d'une autre identité"}
	msgFlagSecurite    = &i18n.Message{ID: "FlagSecurite", Other: "dossier des sauvegardes de sécurité"}
	msgFlagJSON        = &i18n.Message{ID: "FlagJSON", Other: "afficher au format JSON"}
	msgFlagTaille      = &i18n.Message{ID: "FlagTaille", Other: "taille approximative du premier dossier, en Mo (pour les essais de performance)"}
	msgFlagEmploye     = &i18n.Message{ID: "FlagEmploye", Other: "code de l'employé (donné par le logiciel de gestion)"}
	msgFlagDetails     = &i18n.Message{ID: "FlagDetails", Other: "afficher où le temps est passé (lecture, compression, contrôle, vérification)"}
	msgDetails         = &i18n.Message{ID: "CLIDetails", Other: "{{.File}} : {{.Size}} en {{.Total}} — ouverture {{.Read}}, compression et écriture {{.Compress}} (dont contrôle de la base en parallèle {{.Check}}), relecture et vérification {{.Verify}}"}
	msgFlagSauvegardes = &i18n.Message{ID: "FlagSauvegardes", Other: "dossier où chercher la dernière sauvegarde de chaque dossier"}

	msgNeedFile        = &i18n.Message{ID: "CLIFichierManquant", Other: "indiquez le fichier"}
	msgNeedDest        = &i18n.Message{ID: "CLIVersManquant", Other: "indiquez le dossier de destination avec --vers"}
	msgNeedDossier     = &i18n.Message{ID: "CLIDossierManquant", Other: "indiquez le ou les dossiers avec --dossier, ou un fichier avec --fichier"}
	msgNameMany        = &i18n.Message{ID: "CLINomPlusieurs", Other: "--nom ne peut servir qu'avec un seul dossier"}
	msgBackupFailed    = &i18n.Message{ID: "CLISauvegardeEchouee", Other: "Dossier {{.Dossier}} : {{.Error}}"}
	msgVerifyOK        = &i18n.Message{ID: "CLIVerificationOK", Other: "Vérification réussie : {{.File}} ({{.Level}}) — dossier {{.Dossier}}, {{.Tables}} tables, {{.Exercices}} exercices, en {{.Duration}}."}
	msgVerifyContainer = &i18n.Message{ID: "CLIVerificationConteneur", Other: "Vérification réussie : {{.File}} (fichier {{.Kind}} du dossier {{.Dossier}}) — sommes de contrôle et décompression correctes, en {{.Duration}}. Son contenu est contrôlé ligne à ligne quand il est appliqué."}
	msgLevelQuick      = &i18n.Message{ID: "NiveauRapide", Other: "niveau rapide"}
	msgLevelFull       = &i18n.Message{ID: "NiveauComplet", Other: "niveau complet"}
	msgWarning         = &i18n.Message{ID: "CLIAttention", Other: "Attention : {{.Text}}"}
	msgRestored        = &i18n.Message{ID: "CLIRestaure", Other: "Dossier restauré : {{.File}} (n° {{.Numero}}) en {{.Duration}}."}
	msgSafety          = &i18n.Message{ID: "CLISecurite", Other: "Sauvegarde de sécurité de l'ancien dossier : {{.File}}"}
	msgDemoDone        = &i18n.Message{ID: "CLIDemo", Other: "Dossiers de démonstration écrits dans {{.Dir}}."}
	msgEmptyList       = &i18n.Message{ID: "CLIListeVide", Other: "Aucun dossier dans {{.Dir}}."}

	sumListe     = &i18n.Message{ID: "ResumeListe", Other: "liste les dossiers d'une connexion"}
	sumSauver    = &i18n.Message{ID: "ResumeSauvegarder", Other: "sauvegarde un ou plusieurs dossiers (fichiers .pbf)"}
	sumVerifier  = &i18n.Message{ID: "ResumeVerifier", Other: "vérifie une sauvegarde : sommes de contrôle, base, totaux"}
	sumContenu   = &i18n.Message{ID: "ResumeContenu", Other: "montre ce que contient une sauvegarde"}
	sumRestaurer = &i18n.Message{ID: "ResumeRestaurer", Other: "restaure une sauvegarde (ou un fichier .db) dans une connexion"}
	sumDemo      = &i18n.Message{ID: "ResumeDemo", Other: "écrit des dossiers de démonstration"}
	sumQuitter   = &i18n.Message{ID: "ResumeQuitter", Other: "fenêtre « Voulez-vous sauvegarder ? » à la fermeture du logiciel de gestion"}
)

func init() {
	register(&command{name: "liste", aliases: []string{"list"}, summary: sumListe, usage: "[--connexion C] [--json]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("sauvegardes", "", i18n.T(msgFlagSauvegardes, nil))
			fs.Bool("json", false, i18n.T(msgFlagJSON, nil))
		}, run: runListe})
	register(&command{name: "sauvegarder", aliases: []string{"backup"}, summary: sumSauver,
		usage: "--connexion C --dossier N[,N…] --vers DOSSIER [--nom NOM] [--verifier] [--phrase-secrete-fichier F]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagDossier, nil))
			fs.String("fichier", "", i18n.T(msgFlagFichier, nil))
			fs.String("vers", "", i18n.T(msgFlagVers, nil))
			fs.String("nom", "", i18n.T(msgFlagNom, nil))
			fs.Bool("verifier", false, i18n.T(msgFlagVerifier, nil))
			fs.String("phrase-secrete-fichier", "", i18n.T(msgFlagPhrase, nil))
			fs.Bool("details", false, i18n.T(msgFlagDetails, nil))
		}, run: runSauvegarder})
	register(&command{name: "verifier", aliases: []string{"verify"}, summary: sumVerifier,
		usage: "FICHIER [--complet] [--phrase-secrete-fichier F] | --distant [--config F] [--complet]",
		flags: func(fs *flag.FlagSet) {
			fs.Bool("complet", false, i18n.T(msgFlagComplet, nil))
			fs.String("phrase-secrete-fichier", "", i18n.T(msgFlagPhrase, nil))
			fs.Bool("distant", false, i18n.T(msgFlagDistant, nil))
			fs.String("config", "", i18n.T(msgFlagConfig, nil))
		}, run: runVerifier})
	register(&command{name: "contenu", aliases: []string{"inspect"}, summary: sumContenu,
		usage: "FICHIER [--json] [--phrase-secrete-fichier F]",
		flags: func(fs *flag.FlagSet) {
			fs.Bool("json", false, i18n.T(msgFlagJSON, nil))
			fs.String("phrase-secrete-fichier", "", i18n.T(msgFlagPhrase, nil))
		}, run: runContenu})
	register(&command{name: "restaurer", aliases: []string{"restore"}, summary: sumRestaurer,
		usage: "FICHIER --connexion C [--numero N] [--remplacer] [--ignorer-sessions] [--phrase-secrete-fichier F]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("numero", "", i18n.T(msgFlagNumero, nil))
			fs.Bool("remplacer", false, i18n.T(msgFlagRemplacer, nil))
			fs.Bool("autre-dossier", false, i18n.T(msgFlagAutre, nil))
			sessionsFlag(fs)
			fs.String("securite", "", i18n.T(msgFlagSecurite, nil))
			fs.String("phrase-secrete-fichier", "", i18n.T(msgFlagPhrase, nil))
		}, run: runRestaurer})
	register(&command{name: "demo", summary: sumDemo, usage: "DOSSIER [--taille MO]",
		flags: func(fs *flag.FlagSet) {
			fs.Int("taille", 0, i18n.T(msgFlagTaille, nil))
		}, run: runDemo})
	register(&command{name: "quitter", aliases: []string{"exit-prompt"}, summary: sumQuitter,
		usage: "[--connexion C] [--employe CODE]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("employe", "", i18n.T(msgFlagEmploye, nil))
		}, run: func(env *Env, fs *flag.FlagSet, args []string) error {
			if env.GUI == nil {
				return usagef(msgNoGUI, nil)
			}
			return env.GUI.ExitPrompt(str(fs, "connexion"), str(fs, "employe"))
		}})
}

var msgNoGUI = &i18n.Message{ID: "CLISansFenetre", Other: "cette commande ouvre une fenêtre, indisponible ici"}

func str(fs *flag.FlagSet, name string) string   { return fs.Lookup(name).Value.String() }
func boolean(fs *flag.FlagSet, name string) bool { return fs.Lookup(name).Value.String() == "true" }

func runListe(env *Env, fs *flag.FlagSet, args []string) error {
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := connexion.List(env.Ctx, s, connexion.DefaultBackupDirs(str(fs, "sauvegardes")))
	if err != nil {
		return err
	}
	if boolean(fs, "json") {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
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
			ex = fmt.Sprintf("%d (%s–%s)", d.Exercices, d.PremierExercice, d.DernierExercice)
		}
		rs := d.RaisonSociale
		switch {
		case d.Unrecognised:
			rs = "⚠ " + i18n.T(msgUnrecognised, map[string]any{"Reason": d.Error})
		case d.Error != "":
			rs = "⚠ " + d.Error
		case d.Schema == "":
			rs = i18n.T(msgNotV1, nil)
		}
		if len(d.Conflict) > 0 {
			rs = "⚠ " + i18n.T(msgConflict, map[string]any{"Files": strings.Join(d.Conflict, ", ")}) + " " + rs
		}
		last := "—"
		if !d.DerniereSauvegarde.IsZero() {
			last = i18n.DateTime(d.DerniereSauvegarde)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cmp.Or(d.Numero, "—"), cmp.Or(d.Nom, "—"), d.Fichier, rs, ex, i18n.Bytes(d.Taille), last)
	}
	return tw.Flush()
}

var (
	msgListHeader   = &i18n.Message{ID: "CLIEnteteListe", Other: "N°\tNom\tFichier\tRaison sociale\tExercices\tTaille\tDernière sauvegarde"}
	msgNotV1        = &i18n.Message{ID: "CLIPasV1", Other: "(base SQLite hors schéma de gestion)"}
	msgUnrecognised = &i18n.Message{ID: "DossierNonReconnu", Other: "non reconnu : {{.Reason}}"}
	msgConflict     = &i18n.Message{ID: "DossierNumeroConflit", Other: "même numéro que {{.Files}} (renommez ou renumérotez l'un d'eux) —"}
)

func runSauvegarder(env *Env, fs *flag.FlagSet, args []string) error {
	dest := str(fs, "vers")
	if dest == "" {
		return usagef(msgNeedDest, nil)
	}
	pass, err := readPassphrase(str(fs, "phrase-secrete-fichier"))
	if err != nil {
		return err
	}
	if f := str(fs, "fichier"); f != "" && access.IsAccess(f) {
		return backupAccess(env, fs, f, dest, pass)
	}
	refs := map[string]store.Ref{}
	var items []batch.Item
	if f := str(fs, "fichier"); f != "" {
		refs[f] = sqlitestore.File(f)
		items = append(items, batch.Item{Key: f, Label: filepath.Base(f)})
	}
	if list := str(fs, "dossier"); list != "" {
		numeros, err := dossier.ParseNumeros(list)
		if err != nil {
			return err
		}
		s, err := openConnexion(env, fs)
		if err != nil {
			return err
		}
		defer s.Close()
		for _, n := range numeros {
			refs[n] = store.InStore(s, n)
			items = append(items, batch.Item{Key: n, Label: n})
		}
	}
	if len(items) == 0 {
		return usagef(msgNeedDossier, nil)
	}
	if str(fs, "nom") != "" && len(items) > 1 {
		return usagef(msgNameMany, nil)
	}
	idle := sessionIdle()
	res := batch.Run(env.Ctx, items, func(ctx context.Context, it batch.Item, p dossier.Progress) (backup.Result, error) {
		defer env.endProgress()
		return backup.Run(ctx, backup.Request{
			Source: refs[it.Key], DestDir: dest, Name: str(fs, "nom"), Verify: boolean(fs, "verifier"),
			Passphrase: pass, Progress: p,
		})
	}, batch.Options[backup.Result]{
		Progress: env.stepProgress(),
		Finished: func(i, total int, o batch.Outcome[backup.Result]) {
			if o.Status != batch.Done {
				if total > 1 {
					fmt.Fprintln(env.Stderr, oneLine(i18n.T(msgBackupFailed, map[string]any{"Dossier": refs[o.Item.Key].Label(), "Error": i18n.Describe(o.Err)})))
				}
				return
			}
			res := o.Result
			for _, w := range res.Warnings {
				fmt.Fprintln(env.Stderr, i18n.T(msgWarning, map[string]any{"Text": w}))
			}
			// A backup reads: an open dossier only gets a warning.
			printNotes(env.Stderr, dossier.SessionPolicy{Idle: idle}.Warn(refs[o.Item.Key].Label(), res.Sessions))
			fmt.Fprintln(env.Stdout, res.Path)
			if boolean(fs, "details") {
				fmt.Fprintln(env.Stderr, i18n.T(msgDetails, map[string]any{
					"File": filepath.Base(res.Path), "Size": i18n.Bytes(res.Size), "Total": i18n.Duration(res.Duration),
					"Read": i18n.Duration(res.Phases["lecture"]), "Compress": i18n.Duration(res.Phases["compression"]),
					"Check": i18n.Duration(res.Phases["controle"]), "Verify": i18n.Duration(res.Phases["verification"]),
				}))
			}
		},
	})
	return res.Err()
}

func sessionList(ss []dossier.Session) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%s sur %s (%s)", s.Programme, s.Poste, s.Utilisateur))
	}
	return strings.Join(parts, ", ")
}

func oneFile(args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef(msgNeedFile, nil)
	}
	return args[0], nil
}

func runVerifier(env *Env, fs *flag.FlagSet, args []string) error {
	if boolean(fs, "distant") {
		return runVerifyRemote(env, fs, args)
	}
	file, err := oneFile(args)
	if err != nil {
		return err
	}
	pass, err := readPassphrase(str(fs, "phrase-secrete-fichier"))
	if err != nil {
		return err
	}
	complete := boolean(fs, "complet")
	rep, err := verify.File(env.Ctx, file, verify.Options{Passphrase: pass, Complete: complete, Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	if rep.ContainerOnly && printAccessVerified(env, file, rep) {
		return nil
	}
	if rep.ContainerOnly {
		fmt.Fprintln(env.Stdout, i18n.T(msgVerifyContainer, map[string]any{
			"File": filepath.Base(file), "Kind": string(rep.Manifest.Kind), "Dossier": rep.Manifest.Dossier.Base(), "Duration": i18n.Duration(rep.Duration),
		}))
		return nil
	}
	level := i18n.T(msgLevelQuick, nil)
	if complete {
		level = i18n.T(msgLevelFull, nil)
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgVerifyOK, map[string]any{
		"File": filepath.Base(file), "Level": level, "Dossier": rep.Manifest.Dossier.Base(),
		"Tables": len(rep.Stats.Tables), "Exercices": len(rep.Stats.Exercices), "Duration": i18n.Duration(rep.Duration),
	}))
	for _, w := range rep.Warnings {
		fmt.Fprintln(env.Stdout, i18n.T(msgWarning, map[string]any{"Text": w}))
	}
	return nil
}

func runContenu(env *Env, fs *flag.FlagSet, args []string) error {
	file, err := oneFile(args)
	if err != nil {
		return err
	}
	pass, err := readPassphrase(str(fs, "phrase-secrete-fichier"))
	if err != nil {
		return err
	}
	m, err := pack.Inspect(env.Ctx, file, pack.ReadOptions{Passphrase: pass})
	if err != nil {
		return err
	}
	if boolean(fs, "json") {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	fi, _ := os.Stat(file)
	if err := WriteManifest(env.Stdout, filepath.Base(file), fi.Size(), m); err != nil || m.Kind != pack.KindPAF {
		return err
	}
	return WritePAF(env.Stdout, file, m)
}

func runRestaurer(env *Env, fs *flag.FlagSet, args []string) error {
	file, err := oneFile(args)
	if err != nil {
		return err
	}
	pass, err := readPassphrase(str(fs, "phrase-secrete-fichier"))
	if err != nil {
		return err
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	numero := str(fs, "numero")
	if numero != "" {
		ns, err := dossier.ParseNumeros(numero)
		if err != nil || len(ns) != 1 {
			return dossier.ErrBadNumero
		}
		numero = ns[0]
	}
	safety := str(fs, "securite")
	if safety == "" {
		safety = paths.Safety()
	}
	res, err := restore.Run(env.Ctx, restore.Request{
		File: file, Passphrase: pass, Store: s, Numero: numero,
		Replace: boolean(fs, "remplacer"), OtherDossier: boolean(fs, "autre-dossier"), IgnoreSessions: boolean(fs, "ignorer-sessions"),
		SessionIdle: sessionIdle(), SafetyDir: safety, Progress: env.progress(),
	})
	env.endProgress()
	if err != nil {
		return err
	}
	for _, n := range res.Notes {
		fmt.Fprintln(env.Stdout, n)
	}
	if res.SafetyBackup != "" {
		fmt.Fprintln(env.Stdout, i18n.T(msgSafety, map[string]any{"File": res.SafetyBackup}))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(env.Stdout, i18n.T(msgWarning, map[string]any{"Text": w}))
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgRestored, map[string]any{"File": res.Path, "Numero": res.Numero, "Duration": i18n.Duration(res.Duration)}))
	return nil
}

func runDemo(env *Env, fs *flag.FlagSet, args []string) error {
	dir, err := oneFile(args)
	if err != nil {
		return err
	}
	size := 0
	fmt.Sscan(fs.Lookup("taille").Value.String(), &size)
	written, err := demo.Generate(env.Ctx, dir, demo.Options{SizeMB: size, Progress: env.progress()})
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

package cli

import (
	"flag"
	"fmt"
	"path/filepath"

	"coffre/internal/dossier"
	"coffre/internal/export"
	"coffre/internal/i18n"
)

var (
	sumExporter          = &i18n.Message{ID: "ResumeExporter", Other: "copie un dossier dans une nouvelle base E001SOC (fichier E001SOC.db, ou base du serveur SQL)"}
	msgFlagUnDossier     = &i18n.Message{ID: "FlagUnDossier", Other: "numéro du dossier : 1 ou 001"}
	msgFlagExportVers    = &i18n.Message{ID: "FlagExportVers", Other: "dossier où écrire l'export E001SOC.db (défaut : la connexion elle-même — son dossier, ou une nouvelle base sur le serveur SQL)"}
	msgFlagExportReplace = &i18n.Message{ID: "FlagExportRemplacer", Other: "remplacer un export E001SOC.db déjà présent"}
	msgNeedOneDossier    = &i18n.Message{ID: "CLIUnDossier", Other: "indiquez un seul dossier avec --dossier"}
	msgExportDone        = &i18n.Message{ID: "CLIExportFait", Other: "Export écrit : {{.File}} ({{.Size}}, {{.Tables}}, {{.Exercices}}, vérifié) en {{.Duration}}."}
	msgExportReplaced    = &i18n.Message{ID: "CLIExportRemplace", Other: "L'ancien export de même nom a été remplacé."}
	msgExportOnServer    = &i18n.Message{ID: "CLIExportSurServeur", Other: "Export écrit sur le serveur : base {{.Base}} ({{.Size}}, {{.Tables}}, {{.Exercices}}, vérifié) en {{.Duration}}."}
	msgExportRestore     = &i18n.Message{ID: "CLIExportRestaurer", Other: "Pour le reprendre comme dossier : coffre restaurer {{.File}} --connexion …  (il est restauré sous le nom {{.Base}})."}
)

func init() {
	register(&command{name: "exporter", aliases: []string{"export"}, summary: sumExporter,
		usage: "--connexion C --dossier N [--vers DOSSIER] [--remplacer] [--ignorer-sessions]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagUnDossier, nil))
			fs.String("vers", "", i18n.T(msgFlagExportVers, nil))
			fs.Bool("remplacer", false, i18n.T(msgFlagExportReplace, nil))
			sessionsFlag(fs)
		}, run: runExporter})
}

// oneNumero reads --dossier as exactly one dossier number.
func oneNumero(fs *flag.FlagSet) (string, error) {
	ns, err := dossier.ParseNumeros(str(fs, "dossier"))
	if err != nil || len(ns) != 1 {
		return "", usagef(msgNeedOneDossier, nil)
	}
	return ns[0], nil
}

func runExporter(env *Env, fs *flag.FlagSet, args []string) error {
	numero, err := oneNumero(fs)
	if err != nil {
		return err
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := export.Run(env.Ctx, export.Request{Store: s, Numero: numero, DestDir: str(fs, "vers"), Replace: boolean(fs, "remplacer"),
		IgnoreSessions: boolean(fs, "ignorer-sessions"), SessionIdle: sessionIdle(), Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	printNotes(env.Stderr, res.Notes)
	done := msgExportDone
	if res.OnServer {
		done = msgExportOnServer
	}
	fmt.Fprintln(env.Stdout, i18n.T(done, map[string]any{
		"File": res.Path, "Base": res.Path, "Size": i18n.Bytes(res.Size), "Tables": count(cntTables, len(res.Stats.Tables)), "Exercices": count(cntExercices, len(res.Stats.Exercices)), "Duration": i18n.Duration(res.Duration),
	}))
	if res.Replaced {
		fmt.Fprintln(env.Stdout, i18n.T(msgExportReplaced, nil))
	}
	if res.OnServer {
		return nil
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgExportRestore, map[string]any{"File": filepath.Base(res.Path), "Base": res.Dossier.Base()}))
	return nil
}

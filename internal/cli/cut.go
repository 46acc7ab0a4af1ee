package cli

import (
	"flag"
	"fmt"
	"strings"

	"coffre/internal/cut"
	"coffre/internal/i18n"
	"coffre/internal/paths"
)

var (
	sumDecouper          = &i18n.Message{ID: "ResumeDecouper", Other: "déplace les exercices anciens d'un dossier dans un fichier 001SOC_CUT001.db"}
	msgFlagPremier       = &i18n.Message{ID: "FlagPremierExercice", Other: "premier exercice que le dossier garde (ex. 2020) : les précédents partent dans le fichier découpé"}
	msgFlagCutVers       = &i18n.Message{ID: "FlagDecoupeVers", Other: "dossier où écrire le fichier découpé"}
	msgFlagNettoyer      = &i18n.Message{ID: "FlagNettoyer", Other: "supprimer, dans chaque fichier, les tiers et comptes sans plus aucun mouvement"}
	msgNeedPremier       = &i18n.Message{ID: "CLIPremierExerciceManquant", Other: "indiquez le premier exercice à garder avec --premier-exercice"}
	msgCutDone           = &i18n.Message{ID: "CLIDecoupeFaite", Other: "Découpe faite : exercices {{.Moved}} dans {{.File}} ({{.Size}}) — {{.Ecritures}}, {{.Lignes}}, {{.Annexes}} ; le dossier {{.Dossier}} garde {{.Kept}} ({{.Before}} → {{.After}}), en {{.Duration}}."}
	msgCutCleaned        = &i18n.Message{ID: "CLIDecoupeNettoyage", Other: "Nettoyage : {{.CutTiers}} et {{.CutComptes}} retirés du fichier découpé, {{.Tiers}} et {{.Comptes}} du dossier."}
	msgCutImport         = &i18n.Message{ID: "CLIDecoupeImporter", Other: "Pour consulter les anciens exercices : coffre restaurer {{.File}} --connexion … (importé comme un dossier)."}
	msgCutPhaseLabelText = &i18n.Message{ID: "PhaseDecoupe", Other: "découpe"}
)

func init() {
	phaseLabels[cut.PhaseDecoupe] = msgCutPhaseLabelText
	register(&command{name: "decouper", aliases: []string{"cut"}, summary: sumDecouper,
		usage: "--connexion C --dossier N --premier-exercice 2020 --vers DOSSIER [--nettoyer] [--ignorer-sessions]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagUnDossier, nil))
			fs.String("premier-exercice", "", i18n.T(msgFlagPremier, nil))
			fs.String("vers", "", i18n.T(msgFlagCutVers, nil))
			fs.Bool("nettoyer", false, i18n.T(msgFlagNettoyer, nil))
			sessionsFlag(fs)
			fs.String("securite", "", i18n.T(msgFlagSecurite, nil))
		}, run: runDecouper})
}

func runDecouper(env *Env, fs *flag.FlagSet, args []string) error {
	if str(fs, "vers") == "" {
		return usagef(msgNeedDest, nil)
	}
	if str(fs, "premier-exercice") == "" {
		return usagef(msgNeedPremier, nil)
	}
	numero, err := oneNumero(fs)
	if err != nil {
		return err
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	safety := str(fs, "securite")
	if safety == "" {
		safety = paths.Safety()
	}
	res, err := cut.Run(env.Ctx, cut.Request{
		Store: s, Numero: numero, FirstKept: str(fs, "premier-exercice"), DestDir: str(fs, "vers"),
		Clean: boolean(fs, "nettoyer"), IgnoreSessions: boolean(fs, "ignorer-sessions"), SessionIdle: sessionIdle(), SafetyDir: safety, Progress: env.progress(),
	})
	env.endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgSafetyBefore, map[string]any{"File": res.SafetyBackup}))
	fmt.Fprintln(env.Stdout, i18n.T(msgCutDone, map[string]any{
		"Moved": strings.Join(res.Moved, ", "), "File": res.CutPath, "Size": i18n.Bytes(res.CutSize),
		"Ecritures": count(cntEcritures, res.Ecritures), "Lignes": count(cntLignes, res.Lignes), "Annexes": count(cntAnnexes, res.Annexes),
		"Dossier": res.Dossier.Base(), "Kept": strings.Join(res.Kept, ", "),
		"Before": i18n.Bytes(res.SizeBefore), "After": i18n.Bytes(res.SizeAfter), "Duration": i18n.Duration(res.Duration),
	}))
	if boolean(fs, "nettoyer") {
		fmt.Fprintln(env.Stdout, i18n.T(msgCutCleaned, map[string]any{
			"CutTiers": count(cntTiers, res.CleanedCut.Tiers), "CutComptes": count(cntComptes, res.CleanedCut.Comptes),
			"Tiers": count(cntTiers, res.CleanedKept.Tiers), "Comptes": count(cntComptes, res.CleanedKept.Comptes),
		}))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(env.Stdout, i18n.T(msgWarning, map[string]any{"Text": w}))
	}
	printNotes(env.Stdout, res.Notes)
	fmt.Fprintln(env.Stdout, i18n.T(msgCutImport, map[string]any{"File": res.CutPath}))
	return nil
}

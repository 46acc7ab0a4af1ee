package cli

import (
	"flag"
	"fmt"

	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/transfer"
)

var (
	sumTransferExport  = &i18n.Message{ID: "ResumeTransfertExport", Other: "écrit les changements d'un dossier depuis le dernier transfert (.ptf)"}
	sumTransferImport  = &i18n.Message{ID: "ResumeTransfertImport", Other: "applique un transfert partiel (.ptf) à un dossier"}
	msgFlagPTFVers     = &i18n.Message{ID: "FlagTransfertVers", Other: "dossier où écrire le fichier de transfert"}
	msgFlagPTFEtat     = &i18n.Message{ID: "FlagTransfertEtat", Other: "dossier de l'état des transferts (défaut : .coffre-transferts dans la connexion)"}
	msgFlagPTFNewBase  = &i18n.Message{ID: "FlagTransfertNouvelleBase", Other: "exporter le dossier complet comme nouvelle base de transfert (après un changement de structure)"}
	msgPTFWritten      = &i18n.Message{ID: "CLITransfertEcrit", Other: "Transfert n° {{.Sequence}} écrit : {{.File}} ({{.Size}}), {{.Changes}} sur {{.Rows}}, en {{.Duration}}."}
	msgPTFBaseWritten  = &i18n.Message{ID: "CLITransfertBaseEcrite", Other: "Transfert complet n° {{.Sequence}} écrit : {{.File}} ({{.Size}}), en {{.Duration}}. Sur l'autre site : coffre restaurer {{.File}} --connexion … (--remplacer si le dossier y existe)."}
	msgPTFTable        = &i18n.Message{ID: "CLITransfertTable", Other: "  {{.Table}} : {{.Inserts}}, {{.Updates}}, {{.Deletes}}"}
	msgPTFApplied      = &i18n.Message{ID: "CLITransfertApplique", Other: "Transfert n° {{.Sequence}} appliqué au dossier {{.Dossier}} : {{.Changes}}, en {{.Duration}}."}
	msgSafetyBefore    = &i18n.Message{ID: "CLISecuriteAvant", Other: "Sauvegarde de sécurité prise avant de modifier le dossier : {{.File}}"}
	msgPTFPhaseApplied = &i18n.Message{ID: "PhaseApplication", Other: "application des changements"}
)

func init() {
	phaseLabels[transfer.PhaseApplication] = msgPTFPhaseApplied
	register(&command{name: "transfert-export", aliases: []string{"transfer-export"}, summary: sumTransferExport,
		usage: "--connexion C --dossier N --vers DOSSIER [--nouvelle-base] [--etat DOSSIER]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagUnDossier, nil))
			fs.String("vers", "", i18n.T(msgFlagPTFVers, nil))
			fs.String("etat", "", i18n.T(msgFlagPTFEtat, nil))
			fs.Bool("nouvelle-base", false, i18n.T(msgFlagPTFNewBase, nil))
		}, run: runTransferExport})
	register(&command{name: "transfert-import", aliases: []string{"transfer-import"}, summary: sumTransferImport,
		usage: "FICHIER --connexion C --dossier N [--securite DOSSIER] [--ignorer-sessions]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagUnDossier, nil))
			fs.String("securite", "", i18n.T(msgFlagSecurite, nil))
			sessionsFlag(fs)
		}, run: runTransferImport})
}

func runTransferExport(env *Env, fs *flag.FlagSet, args []string) error {
	if str(fs, "vers") == "" {
		return usagef(msgNeedDest, nil)
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
	res, err := transfer.Export(env.Ctx, transfer.ExportRequest{
		Store: s, Numero: numero, DestDir: str(fs, "vers"), StateDir: str(fs, "etat"), NewBase: boolean(fs, "nouvelle-base"), Progress: env.progress(),
	})
	env.endProgress()
	if err != nil {
		return err
	}
	if res.Message != "" {
		fmt.Fprintln(env.Stdout, res.Message)
	}
	data := map[string]any{"Sequence": res.Sequence, "File": res.Path, "Size": i18n.Bytes(res.Size), "Changes": count(cntChanged, res.TotalChanges()), "Rows": count(cntCompared, res.Rows), "Duration": i18n.Duration(res.Duration)}
	switch {
	case res.NoChange:
	case res.Full:
		fmt.Fprintln(env.Stdout, i18n.T(msgPTFBaseWritten, data))
	default:
		fmt.Fprintln(env.Stdout, i18n.T(msgPTFWritten, data))
		printChanges(env, res.Changes)
	}
	return nil
}

func printChanges(env *Env, cs []transfer.TableChanges) {
	for _, c := range cs {
		fmt.Fprintln(env.Stdout, i18n.T(msgPTFTable, map[string]any{"Table": c.Table, "Inserts": count(cntAdded, c.Inserts), "Updates": count(cntUpdated, c.Updates), "Deletes": count(cntDeleted, c.Deletes)}))
	}
}

func runTransferImport(env *Env, fs *flag.FlagSet, args []string) error {
	file, err := oneFile(args)
	if err != nil {
		return err
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
	res, err := transfer.Import(env.Ctx, transfer.ImportRequest{File: file, Store: s, Numero: numero, SafetyDir: safety,
		IgnoreSessions: boolean(fs, "ignorer-sessions"), SessionIdle: sessionIdle(), Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgSafetyBefore, map[string]any{"File": res.SafetyBackup}))
	fmt.Fprintln(env.Stdout, i18n.T(msgPTFApplied, map[string]any{"Sequence": res.Sequence, "Dossier": res.Dossier.Base(), "Changes": count(cntChanged, res.TotalChanges()), "Duration": i18n.Duration(res.Duration)}))
	printChanges(env, res.Changes)
	printNotes(env.Stdout, res.Notes)
	return nil
}

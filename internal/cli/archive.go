package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"coffre/internal/archive"
	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/paths"
)

var (
	sumArchiver    = &i18n.Message{ID: "ResumeArchiver", Other: "archive des exercices anciens dans un fichier .paf et les remplace par leurs soldes"}
	sumDesarchiver = &i18n.Message{ID: "ResumeDesarchiver", Other: "remet dans le dossier les exercices d'une archive .paf"}

	msgFlagArchExercices   = &i18n.Message{ID: "FlagArchiveExercices", Other: "exercices à archiver, séparés par des virgules : 2015,2016 (défaut : clôturés depuis au moins 7 ans et pas encore archivés)"}
	msgFlagArchVers        = &i18n.Message{ID: "FlagArchiveVers", Other: "dossier où écrire les archives .paf"}
	msgFlagArchUnDossier   = &i18n.Message{ID: "FlagArchiveUnDossier", Other: "numéro du dossier où remettre les exercices : 1 ou 001"}
	msgFlagUnarchExercices = &i18n.Message{ID: "FlagDesarchiveExercices", Other: "exercices de l'archive à remettre (défaut : tous)"}
	msgFlagSupprimer       = &i18n.Message{ID: "FlagSupprimerArchive", Other: "supprimer le fichier .paf une fois tous ses exercices remis"}

	msgArchNeedDossier = &i18n.Message{ID: "CLIArchiveDossierManquant", Other: "indiquez le ou les dossiers avec --dossier"}
	msgArchOneDossier  = &i18n.Message{ID: "CLIArchiveUnSeulDossier", Other: "indiquez un seul dossier avec --dossier"}
	msgArchFailed      = &i18n.Message{ID: "CLIArchiveEchouee", Other: "Dossier {{.Dossier}} : {{.Error}}"}
	msgArchDone        = &i18n.Message{ID: "CLIArchiveFaite", Other: "Dossier {{.Dossier}} : archive écrite et vérifiée, {{.File}} ({{.Size}})."}
	msgArchMoved       = &i18n.Message{ID: "CLIArchiveDeplace", Other: "  Exercices archivés : {{.Codes}} — {{.Ecritures}}, {{.Lignes}} et {{.Annexes}} retirées du dossier."}
	msgArchBalance     = &i18n.Message{ID: "CLIArchiveSoldes", Other: "  Remplacés par une écriture de solde chacun (journal OD, origine ARCHIVE) : {{.List}}. Soldes par compte et par tiers inchangés."}
	msgArchBalanceOne  = &i18n.Message{ID: "CLIArchiveSolde", Other: "{{.Exercice}} n° {{.Numero}} ({{.Lignes}})"}
	msgArchSafety      = &i18n.Message{ID: "CLIArchiveSecurite", Other: "  Sauvegarde de sécurité prise avant : {{.File}}"}
	msgArchDuration    = &i18n.Message{ID: "CLIArchiveDuree", Other: "  Durée : {{.Duration}}"}
	msgUnarchShow      = &i18n.Message{ID: "CLIDesarchiveContenu", Other: "Archive {{.File}} : dossier {{.Dossier}}, exercices {{.Codes}}."}
	msgUnarchDone      = &i18n.Message{ID: "CLIDesarchiveFaite", Other: "Dossier {{.Dossier}} : exercices {{.Codes}} remis en place — {{.Ecritures}}, {{.Lignes}}, {{.Annexes}}, identiques à l'archive ; écritures de solde retirées, soldes inchangés."}
	msgUnarchRecreated = &i18n.Message{ID: "CLIDesarchiveRecrees", Other: "  Remis aussi, car supprimés du dossier depuis l'archivage : {{.List}}"}
	msgUnarchAlready   = &i18n.Message{ID: "CLIDesarchiveDejaRemis", Other: "Déjà remis dans le dossier auparavant, laissés tels quels : {{.Codes}}."}
	msgUnarchDeleted   = &i18n.Message{ID: "CLIDesarchiveSupprimee", Other: "  Archive supprimée : {{.File}}"}
	msgUnarchKept      = &i18n.Message{ID: "CLIDesarchiveGardee", Other: "  Archive conservée : elle contient encore des exercices archivés ({{.Codes}})."}

	msgPAFTitle  = &i18n.Message{ID: "PAFTitre", Other: "Exercices archivés dans ce fichier"}
	msgPAFHeader = &i18n.Message{ID: "PAFEntete", Other: "Exercice\tDu\tAu\tÉcritures\tLignes\tAnnexes\tDébit\tCrédit\tÉcriture de solde"}
	msgPAFHint   = &i18n.Message{ID: "PAFAide", Other: "Pour les remettre dans le dossier : coffre desarchiver {{.File}} --connexion … --dossier {{.Numero}} [--exercices …]"}

	msgPhaseArchivage    = &i18n.Message{ID: "PhaseArchivage", Other: "archivage"}
	msgPhaseDesarchivage = &i18n.Message{ID: "PhaseDesarchivage", Other: "remise en place"}
)

func init() {
	phaseLabels[archive.PhaseArchivage] = msgPhaseArchivage
	phaseLabels[archive.PhaseDesarchivage] = msgPhaseDesarchivage
	register(&command{name: "archiver", aliases: []string{"archive"}, summary: sumArchiver,
		usage: "--connexion C --dossier N[,N…] [--exercices 2015,2016] --vers DOSSIER [--ignorer-sessions]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagDossier, nil))
			fs.String("exercices", "", i18n.T(msgFlagArchExercices, nil))
			fs.String("vers", "", i18n.T(msgFlagArchVers, nil))
			fs.String("securite", "", i18n.T(msgFlagSecurite, nil))
			sessionsFlag(fs)
		}, run: runArchiver})
	register(&command{name: "desarchiver", aliases: []string{"unarchive"}, summary: sumDesarchiver,
		usage: "FICHIER.paf --connexion C --dossier N [--exercices 2015] [--supprimer-archive] [--ignorer-sessions]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagArchUnDossier, nil))
			fs.String("exercices", "", i18n.T(msgFlagUnarchExercices, nil))
			fs.Bool("supprimer-archive", false, i18n.T(msgFlagSupprimer, nil))
			fs.String("securite", "", i18n.T(msgFlagSecurite, nil))
			sessionsFlag(fs)
		}, run: runDesarchiver})
}

// codeList splits « 2015, 2016 » into codes.
func codeList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func safetyDir(fs *flag.FlagSet) string {
	if s := str(fs, "securite"); s != "" {
		return s
	}
	return paths.Safety()
}

func runArchiver(env *Env, fs *flag.FlagSet, args []string) error {
	if str(fs, "vers") == "" {
		return usagef(msgNeedDest, nil)
	}
	if str(fs, "dossier") == "" {
		return usagef(msgArchNeedDossier, nil)
	}
	numeros, err := dossier.ParseNumeros(str(fs, "dossier"))
	if err != nil {
		return err
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	idle := sessionIdle()
	var items []batch.Item
	for _, n := range numeros {
		items = append(items, batch.Item{Key: n, Label: n})
	}
	res := batch.Run(env.Ctx, items, func(ctx context.Context, it batch.Item, p dossier.Progress) (archive.Result, error) {
		defer env.endProgress()
		return archive.Run(ctx, archive.Request{Store: s, Numero: it.Key, Exercices: codeList(str(fs, "exercices")),
			DestDir: str(fs, "vers"), SafetyDir: safetyDir(fs), IgnoreSessions: boolean(fs, "ignorer-sessions"), SessionIdle: idle, Progress: p})
	}, batch.Options[archive.Result]{
		Progress: env.stepProgress(),
		Finished: func(i, total int, o batch.Outcome[archive.Result]) {
			switch {
			case o.Status == batch.Done:
				writeArchiveResult(env.Stdout, o.Result)
			case total > 1 || o.Status == batch.Skipped:
				fmt.Fprintln(env.Stderr, oneLine(i18n.T(msgArchFailed, map[string]any{"Dossier": o.Item.Key, "Error": i18n.Describe(o.Err)})))
			}
		},
	})
	return res.Err()
}

func writeArchiveResult(w io.Writer, res archive.Result) {
	var codes, balances []string
	for _, e := range res.Exercices {
		codes = append(codes, e.Code)
		balances = append(balances, i18n.T(msgArchBalanceOne, map[string]any{"Exercice": e.Code, "Numero": e.BalanceNumero, "Lignes": count(cntLignes, e.BalanceLignes)}))
	}
	fmt.Fprintln(w, i18n.T(msgArchDone, map[string]any{"Dossier": res.Dossier.Base(), "File": res.Path, "Size": i18n.Bytes(res.Size)}))
	fmt.Fprintln(w, i18n.T(msgArchMoved, map[string]any{"Codes": strings.Join(codes, ", "), "Ecritures": count(cntEcritures, res.Ecritures), "Lignes": count(cntLignes, res.Lignes), "Annexes": count(cntAnnexes, res.Annexes)}))
	fmt.Fprintln(w, i18n.T(msgArchBalance, map[string]any{"List": strings.Join(balances, ", ")}))
	fmt.Fprintln(w, i18n.T(msgArchSafety, map[string]any{"File": res.SafetyBackup}))
	printNotes(w, res.Notes)
	fmt.Fprintln(w, i18n.T(msgArchDuration, map[string]any{"Duration": i18n.Duration(res.Duration)}))
}

func runDesarchiver(env *Env, fs *flag.FlagSet, args []string) error {
	file, err := oneFile(args)
	if err != nil {
		return err
	}
	numeros, err := dossier.ParseNumeros(str(fs, "dossier"))
	if err != nil || len(numeros) != 1 {
		return usagef(msgArchOneDossier, nil)
	}
	m, info, err := archive.Inspect(env.Ctx, file)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgUnarchShow, map[string]any{"File": filepath.Base(file), "Dossier": m.Dossier.Base(), "Codes": strings.Join(info.Codes(), ", ")}))
	if err := writePAFTable(env.Stdout, info); err != nil {
		return err
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := archive.Restore(env.Ctx, archive.RestoreRequest{File: file, Store: s, Numero: numeros[0], Exercices: codeList(str(fs, "exercices")),
		DeleteArchive: boolean(fs, "supprimer-archive"), SafetyDir: safetyDir(fs), IgnoreSessions: boolean(fs, "ignorer-sessions"),
		SessionIdle: sessionIdle(), Progress: env.progress()})
	env.endProgress()
	if errors.Is(err, batch.ErrNothingToDo) {
		// Everything is back already: a fact, not a failure.
		fmt.Fprintln(env.Stdout, i18n.Describe(err))
		return nil
	}
	if err != nil {
		return err
	}
	if len(res.AlreadyBack) > 0 {
		fmt.Fprintln(env.Stdout, i18n.T(msgUnarchAlready, map[string]any{"Codes": strings.Join(res.AlreadyBack, ", ")}))
	}
	var codes []string
	for _, e := range res.Exercices {
		codes = append(codes, e.Code)
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgUnarchDone, map[string]any{"Dossier": res.Dossier.Base(), "Codes": strings.Join(codes, ", "),
		"Ecritures": count(cntEcritures, res.Ecritures), "Lignes": count(cntLignes, res.Lignes), "Annexes": count(cntAnnexes, res.Annexes)}))
	if len(res.Recreated) > 0 {
		fmt.Fprintln(env.Stdout, i18n.T(msgUnarchRecreated, map[string]any{"List": strings.Join(res.Recreated, ", ")}))
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgArchSafety, map[string]any{"File": res.SafetyBackup}))
	printNotes(env.Stdout, res.Notes)
	switch {
	case res.Deleted:
		fmt.Fprintln(env.Stdout, i18n.T(msgUnarchDeleted, map[string]any{"File": file}))
	case len(res.Exercices) < len(info.Exercices):
		var left []string
		back := map[string]bool{}
		for _, c := range codes {
			back[c] = true
		}
		for _, c := range info.Codes() {
			if !back[c] {
				left = append(left, c)
			}
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgUnarchKept, map[string]any{"Codes": strings.Join(left, ", ")}))
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgArchDuration, map[string]any{"Duration": i18n.Duration(res.Duration)}))
	return nil
}

// WritePAF prints what only a PAF holds — its archived exercices and their
// balance entries — after the generic manifest (« coffre contenu »).
func WritePAF(w io.Writer, file string, m *pack.Manifest) error {
	info, err := archive.InfoOf(m, file)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgPAFTitle, nil))
	if err := writePAFTable(w, info); err != nil {
		return err
	}
	fmt.Fprintln(w, i18n.T(msgPAFHint, map[string]any{"File": filepath.Base(file), "Numero": m.Dossier.Numero}))
	return nil
}

func writePAFTable(w io.Writer, info *archive.Info) error {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, i18n.T(msgPAFHeader, nil)+"\t")
	for _, e := range info.Exercices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\tOD n° %d\t\n", e.Code, e.Debut, e.Fin, e.Ecritures, e.Lignes, e.Annexes,
			i18n.Money(e.Debit), i18n.Money(e.Credit), e.BalanceNumero)
	}
	return tw.Flush()
}

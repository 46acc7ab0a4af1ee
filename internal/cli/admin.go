package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"coffre/internal/admin"
	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var (
	sumAdministration = &i18n.Message{ID: "ResumeAdministration", Other: "copie pour l'administration fiscale (Admin001SOC_…db) et FEC des exercices choisis"}

	msgFlagAdminExercices = &i18n.Message{ID: "FlagAdminExercices", Other: "exercices à transmettre, séparés par des virgules : 2023,2024"}
	msgFlagAdminVers      = &i18n.Message{ID: "FlagAdminVers", Other: "dossier où écrire la copie et les FEC"}
	msgFlagAdminDossier   = &i18n.Message{ID: "FlagAdminDossier", Other: "numéro du dossier : 1 ou 001"}
	msgFlagSimplifiee     = &i18n.Message{ID: "FlagSimplifiee", Other: "version simplifiée : seulement journaux, comptes, exercices, écritures et lignes (tiers sans coordonnées)"}
	msgFlagAnnexes        = &i18n.Message{ID: "FlagAnnexes", Other: "joindre les annexes (pièces) des écritures"}
	msgFlagFEC            = &i18n.Message{ID: "FlagFEC", Other: "écrire aussi le FEC de chaque exercice (<SIREN>FEC<AAAAMMJJ>.txt)"}

	msgAdminNeedEx   = &i18n.Message{ID: "CLIAdminExercicesManquants", Other: "indiquez les exercices avec --exercices"}
	msgAdminDone     = &i18n.Message{ID: "CLIAdminFaite", Other: "Copie pour l'administration : {{.File}} ({{.Size}}) — dossier {{.Dossier}}, exercices {{.Codes}}, version {{.Version}}, {{.Annexes}}. Elle ne peut pas être restaurée comme un dossier."}
	msgAdminComplete = &i18n.Message{ID: "CLIAdminComplete", Other: "complète"}
	msgAdminSimple   = &i18n.Message{ID: "CLIAdminSimplifiee", Other: "simplifiée"}
	msgAdminWithAnn  = &i18n.Message{ID: "CLIAdminAvecAnnexes", Other: "avec les annexes"}
	msgAdminNoAnn    = &i18n.Message{ID: "CLIAdminSansAnnexes", Other: "sans les annexes"}
	msgAdminTables   = &i18n.Message{ID: "CLIAdminTables", Other: "  Tables (lignes) : {{.List}}"}
	msgAdminFEC      = &i18n.Message{ID: "CLIAdminFEC", Other: "FEC {{.Exercice}} : {{.File}} ({{.Size}}) — {{.Ecritures}}, {{.Lignes}}, débit = crédit = {{.Total}}, contrôlé avant écriture."}
	msgAdminCleaned  = &i18n.Message{ID: "CLIAdminFECAdapte", One: "  {{.Count}} champ adapté au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés).", Other: "  {{.Count}} champs adaptés au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés)."}
	msgAdminDuration = &i18n.Message{ID: "CLIAdminDuree", Other: "Durée : {{.Duration}}"}

	msgPhaseAdministration = &i18n.Message{ID: "PhaseAdministration", Other: "préparation de la copie"}
	msgPhaseFEC            = &i18n.Message{ID: "PhaseFEC", Other: "écriture du FEC"}
)

func init() {
	phaseLabels[admin.PhaseAdministration] = msgPhaseAdministration
	phaseLabels[fec.PhaseFEC] = msgPhaseFEC
	register(&command{name: "administration", aliases: []string{"admin", "tax-audit"}, summary: sumAdministration,
		usage: "--connexion C --dossier N --exercices 2023[,2024] --vers DOSSIER [--simplifiee] [--annexes] [--fec]",
		flags: func(fs *flag.FlagSet) {
			connexionFlags(fs)
			fs.String("dossier", "", i18n.T(msgFlagAdminDossier, nil))
			fs.String("exercices", "", i18n.T(msgFlagAdminExercices, nil))
			fs.String("vers", "", i18n.T(msgFlagAdminVers, nil))
			fs.Bool("simplifiee", false, i18n.T(msgFlagSimplifiee, nil))
			fs.Bool("annexes", false, i18n.T(msgFlagAnnexes, nil))
			fs.Bool("fec", false, i18n.T(msgFlagFEC, nil))
		}, run: runAdministration})
}

func runAdministration(env *Env, fs *flag.FlagSet, args []string) error {
	if str(fs, "vers") == "" {
		return usagef(msgNeedDest, nil)
	}
	codes := codeList(str(fs, "exercices"))
	if len(codes) == 0 {
		return usagef(msgAdminNeedEx, nil)
	}
	numeros, err := dossier.ParseNumeros(str(fs, "dossier"))
	if err != nil || len(numeros) != 1 {
		return usagef(msgArchOneDossier, nil)
	}
	s, err := openConnexion(env, fs)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := admin.Run(env.Ctx, admin.Request{Source: store.InStore(s, numeros[0]), Exercices: codes, DestDir: str(fs, "vers"),
		Simplified: boolean(fs, "simplifiee"), Annexes: boolean(fs, "annexes"), FEC: boolean(fs, "fec"), Progress: env.progress()})
	env.endProgress()
	var rules *fec.RuleError
	if errors.As(err, &rules) {
		// The whole report, one rule per line; stderr gets the usual line.
		fmt.Fprintln(env.Stdout, rules.Report())
	}
	if err != nil {
		return err
	}
	version, annexes := i18n.T(msgAdminComplete, nil), i18n.T(msgAdminNoAnn, nil)
	if res.Simplified {
		version = i18n.T(msgAdminSimple, nil)
	}
	if res.Annexes {
		annexes = i18n.T(msgAdminWithAnn, nil)
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgAdminDone, map[string]any{"File": res.Path, "Size": i18n.Bytes(res.Size), "Dossier": res.Dossier.Base(),
		"Codes": strings.Join(res.Exercices, ", "), "Version": version, "Annexes": annexes}))
	var tables []string
	for _, t := range res.Tables {
		tables = append(tables, fmt.Sprintf("%s %d", t.Name, t.Rows))
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgAdminTables, map[string]any{"List": strings.Join(tables, ", ")}))
	for _, f := range res.FEC {
		fmt.Fprintln(env.Stdout, i18n.T(msgAdminFEC, map[string]any{"Exercice": f.Exercice, "File": f.Path, "Size": i18n.Bytes(f.Size),
			"Ecritures": count(cntEcritures, f.Ecritures), "Lignes": count(cntLignes, f.Lignes), "Total": i18n.Money(f.Debit)}))
		if f.Cleaned > 0 {
			fmt.Fprintln(env.Stdout, i18n.N(msgAdminCleaned, int64(f.Cleaned), nil))
		}
		for _, n := range f.Notes {
			fmt.Fprintln(env.Stdout, "  "+n.String())
		}
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgAdminDuration, map[string]any{"Duration": i18n.Duration(res.Duration)}))
	return nil
}

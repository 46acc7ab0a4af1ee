package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"coffre/internal/admin"
	"coffre/internal/archive"
	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/report"
	"coffre/internal/store"
)

var (
	sumArchiver    = &i18n.Message{ID: "ResumeArchiver", Other: "archive des exercices anciens dans un fichier .paf et les remplace par leurs soldes"}
	sumDesarchiver = &i18n.Message{ID: "ResumeDesarchiver", Other: "remet dans le dossier les exercices d'une archive .paf"}

	msgFlagArchExercices   = &i18n.Message{ID: "FlagArchiveExercices", Other: "exercices à archiver, séparés par des virgules : 2015,2016 (défaut : clôturés depuis au moins 7 ans et pas encore archivés)"}
	msgFlagArchVers        = &i18n.Message{ID: "FlagArchiveVers", Other: "dossier où écrire les archives .paf"}
	msgFlagUnarchExercices = &i18n.Message{ID: "FlagDesarchiveExercices", Other: "exercices de l'archive à remettre (défaut : tous)"}
	msgFlagSupprimer       = &i18n.Message{ID: "FlagSupprimerArchive", Other: "supprimer le fichier .paf une fois tous ses exercices remis"}
	msgUnarchShow          = &i18n.Message{ID: "CLIDesarchiveContenu", Other: "Archive {{.File}} : dossier {{.Dossier}}, exercices {{.Codes}}."}

	sumAdministration     = &i18n.Message{ID: "ResumeAdministration", Other: "copie pour l'administration fiscale (Admin001SOC_…db) et FEC des exercices choisis"}
	msgFlagAdminExercices = &i18n.Message{ID: "FlagAdminExercices", Other: "exercices à transmettre, séparés par des virgules : 2023,2024"}
	msgFlagAdminVers      = &i18n.Message{ID: "FlagAdminVers", Other: "dossier où écrire la copie et les FEC"}
	msgFlagSimplifiee     = &i18n.Message{ID: "FlagSimplifiee", Other: "version simplifiée : seulement journaux, comptes, exercices, écritures et lignes (tiers sans coordonnées)"}
	msgFlagAnnexes        = &i18n.Message{ID: "FlagAnnexes", Other: "joindre les annexes (pièces) des écritures"}
	msgFlagFEC            = &i18n.Message{ID: "FlagFEC", Other: "écrire aussi le FEC de chaque exercice (<SIREN>FEC<AAAAMMJJ>.txt)"}

	sumDecouper     = &i18n.Message{ID: "ResumeDecouper", Other: "déplace les exercices anciens d'un dossier dans un fichier 001SOC_CUT001.db"}
	msgFlagPremier  = &i18n.Message{ID: "FlagPremierExercice", Other: "premier exercice que le dossier garde (ex. 2020) : les précédents partent dans le fichier découpé"}
	msgFlagCutVers  = &i18n.Message{ID: "FlagDecoupeVers", Other: "dossier où écrire le fichier découpé"}
	msgFlagNettoyer = &i18n.Message{ID: "FlagNettoyer", Other: "supprimer, dans chaque fichier, les tiers et comptes sans plus aucun mouvement"}
)

func init() {
	register(&command{name: "archiver", aliases: []string{"archive"}, summary: sumArchiver,
		usage: "--connexion C --dossier N[,N…] [--exercices 2015,2016] --vers DOSSIER [--ignorer-sessions] [--json]",
		new:   func() verb { return &archiveCmd{} }})
	register(&command{name: "desarchiver", aliases: []string{"unarchive"}, summary: sumDesarchiver, args: 1,
		usage: "FICHIER.paf --connexion C --dossier N [--exercices 2015] [--supprimer-archive] [--ignorer-sessions] [--json]",
		new:   func() verb { return &unarchiveCmd{} }})
	register(&command{name: "administration", aliases: []string{"admin", "tax-audit"}, summary: sumAdministration,
		usage: "--connexion C --dossier N --exercices 2023[,2024] --vers DOSSIER [--simplifiee] [--annexes] [--fec] [--json]",
		new:   func() verb { return &adminCmd{} }})
	register(&command{name: "decouper", aliases: []string{"cut"}, summary: sumDecouper,
		usage: "--connexion C --dossier N --premier-exercice 2020 --vers DOSSIER [--nettoyer] [--ignorer-sessions] [--json]",
		new:   func() verb { return &cutCmd{} }})
}

// archiver

type archiveCmd struct {
	conn      connexionOpts
	dossiers  numeros
	exercices codes
	dest      string
	safety    safetyOpt
	sessions  sessionsOpt
	json      jsonOpt
}

func (c *archiveCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagDossier, nil))
	fs.Var(&c.exercices, "exercices", i18n.T(msgFlagArchExercices, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagArchVers, nil))
	c.safety.flags(fs)
	c.sessions.flags(fs)
	c.json.flags(fs)
}

func (c *archiveCmd) run(env *Env, args []string) error {
	req := archive.Request{Numero: first(c.dossiers), Exercices: c.exercices, DestDir: c.dest, SafetyDir: c.safety.dir(),
		IgnoreSessions: bool(c.sessions), SessionIdle: sessionIdle()}
	return overDossiers(env, &c.conn, c.dossiers, c.json, req, report.TitleArchive,
		func(ctx context.Context, s store.Store, n string, p dossier.Progress) (archive.Result, error) {
			req.Store, req.Numero, req.Progress = s, n, p
			return archive.Run(ctx, req)
		}, report.Archive)
}

// desarchiver

type unarchiveCmd struct {
	conn      connexionOpts
	dossiers  numeros
	exercices codes
	delete    bool
	safety    safetyOpt
	sessions  sessionsOpt
	json      jsonOpt
}

func (c *unarchiveCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagUnDossier, nil))
	fs.Var(&c.exercices, "exercices", i18n.T(msgFlagUnarchExercices, nil))
	fs.BoolVar(&c.delete, "supprimer-archive", false, i18n.T(msgFlagSupprimer, nil))
	c.safety.flags(fs)
	c.sessions.flags(fs)
	c.json.flags(fs)
}

func (c *unarchiveCmd) run(env *Env, args []string) error {
	file := args[0]
	numero, err := c.dossiers.one()
	if err != nil {
		return err
	}
	req := archive.RestoreRequest{File: file, Numero: numero, Exercices: c.exercices, DeleteArchive: c.delete,
		SafetyDir: c.safety.dir(), IgnoreSessions: bool(c.sessions), SessionIdle: sessionIdle(), Progress: env.progress()}
	if err := req.Validate(); err != nil {
		return err
	}
	m, info, err := archive.Inspect(env.Ctx, file)
	if err != nil {
		return err
	}
	if !c.json {
		fmt.Fprintln(env.Stdout, i18n.T(msgUnarchShow, map[string]any{"File": filepath.Base(file), "Dossier": report.Clean(m.Dossier.Base()), "Codes": report.Codes(info.Codes())}))
		if err := report.PAFTable(env.Stdout, info); err != nil {
			return err
		}
	}
	return onConnexion(env, &c.conn, c.json, req, func(s store.Store) report.Summary {
		req.Store = s
		res, err := archive.Restore(env.Ctx, req)
		return report.Unarchive(file, res, err)
	})
}

// administration

type adminCmd struct {
	conn       connexionOpts
	dossiers   numeros
	exercices  codes
	dest       string
	simplified bool
	annexes    bool
	fec        bool
	json       jsonOpt
}

func (c *adminCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagUnDossier, nil))
	fs.Var(&c.exercices, "exercices", i18n.T(msgFlagAdminExercices, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagAdminVers, nil))
	fs.BoolVar(&c.simplified, "simplifiee", false, i18n.T(msgFlagSimplifiee, nil))
	fs.BoolVar(&c.annexes, "annexes", false, i18n.T(msgFlagAnnexes, nil))
	fs.BoolVar(&c.fec, "fec", false, i18n.T(msgFlagFEC, nil))
	c.json.flags(fs)
}

func (c *adminCmd) run(env *Env, args []string) error {
	req := admin.Request{Exercices: c.exercices, DestDir: c.dest, Simplified: c.simplified, Annexes: c.annexes, FEC: c.fec, Progress: env.progress()}
	if err := req.Validate(); err != nil {
		return err
	}
	numero, err := c.dossiers.one()
	if err != nil {
		return err
	}
	return onConnexion(env, &c.conn, c.json, req, func(s store.Store) report.Summary {
		req.Source = store.InStore(s, numero)
		return report.Admin(admin.Run(env.Ctx, req))
	})
}

// decouper

type cutCmd struct {
	conn      connexionOpts
	dossiers  numeros
	firstKept string
	dest      string
	clean     bool
	sessions  sessionsOpt
	safety    safetyOpt
	json      jsonOpt
}

func (c *cutCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagUnDossier, nil))
	fs.StringVar(&c.firstKept, "premier-exercice", "", i18n.T(msgFlagPremier, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagCutVers, nil))
	fs.BoolVar(&c.clean, "nettoyer", false, i18n.T(msgFlagNettoyer, nil))
	c.sessions.flags(fs)
	c.safety.flags(fs)
	c.json.flags(fs)
}

func (c *cutCmd) run(env *Env, args []string) error {
	numero, err := c.dossiers.one()
	if err != nil {
		return err
	}
	req := cut.Request{Numero: numero, FirstKept: c.firstKept, DestDir: c.dest, Clean: c.clean,
		IgnoreSessions: bool(c.sessions), SessionIdle: sessionIdle(), SafetyDir: c.safety.dir(), Progress: env.progress()}
	return onConnexion(env, &c.conn, c.json, req, func(s store.Store) report.Summary {
		req.Store = s
		res, err := cut.Run(env.Ctx, req)
		return report.Cut(res, c.clean, err)
	})
}

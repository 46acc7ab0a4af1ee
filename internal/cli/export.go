package cli

import (
	"context"
	"flag"

	"coffre/internal/dossier"
	"coffre/internal/export"
	"coffre/internal/i18n"
	"coffre/internal/report"
	"coffre/internal/store"
	"coffre/internal/transfer"
)

var (
	sumExporter          = &i18n.Message{ID: "ResumeExporter", Other: "copie un dossier dans une nouvelle base E001SOC (fichier E001SOC.db, ou base du serveur SQL)"}
	msgFlagExportVers    = &i18n.Message{ID: "FlagExportVers", Other: "dossier où écrire l'export E001SOC.db (défaut : la connexion elle-même — son dossier, ou une nouvelle base sur le serveur SQL)"}
	msgFlagExportReplace = &i18n.Message{ID: "FlagExportRemplacer", Other: "remplacer un export E001SOC.db déjà présent"}

	sumTransferExport = &i18n.Message{ID: "ResumeTransfertExport", Other: "écrit les changements d'un dossier depuis le dernier transfert (.ptf)"}
	sumTransferImport = &i18n.Message{ID: "ResumeTransfertImport", Other: "applique un transfert partiel (.ptf) à un dossier"}
	msgFlagPTFVers    = &i18n.Message{ID: "FlagTransfertVers", Other: "dossier où écrire le fichier de transfert"}
	msgFlagPTFEtat    = &i18n.Message{ID: "FlagTransfertEtat", Other: "dossier de l'état des transferts (défaut : .coffre-transferts dans la connexion)"}
	msgFlagPTFNewBase = &i18n.Message{ID: "FlagTransfertNouvelleBase", Other: "exporter le dossier complet comme nouvelle base de transfert (après un changement de structure)"}
)

func init() {
	register(&command{name: "exporter", aliases: []string{"export"}, summary: sumExporter,
		usage: "--connexion C --dossier N[,N…] [--vers DOSSIER] [--remplacer] [--ignorer-sessions] [--json]",
		new:   func() verb { return &exportCmd{} }})
	register(&command{name: "transfert-export", aliases: []string{"transfer-export"}, summary: sumTransferExport,
		usage: "--connexion C --dossier N[,N…] --vers DOSSIER [--nouvelle-base] [--etat DOSSIER] [--json]",
		new:   func() verb { return &transferExportCmd{} }})
	register(&command{name: "transfert-import", aliases: []string{"transfer-import"}, summary: sumTransferImport, args: 1,
		usage: "FICHIER --connexion C --dossier N [--securite DOSSIER] [--ignorer-sessions] [--json]",
		new:   func() verb { return &transferImportCmd{} }})
}

// exporter

type exportCmd struct {
	conn     connexionOpts
	dossiers numeros
	dest     string
	replace  bool
	sessions sessionsOpt
	json     jsonOpt
}

func (c *exportCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagDossier, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagExportVers, nil))
	fs.BoolVar(&c.replace, "remplacer", false, i18n.T(msgFlagExportReplace, nil))
	c.sessions.flags(fs)
	c.json.flags(fs)
}

func (c *exportCmd) run(env *Env, args []string) error {
	req := export.Request{Numero: first(c.dossiers), DestDir: c.dest, Replace: c.replace,
		IgnoreSessions: bool(c.sessions), SessionIdle: sessionIdle()}
	return overDossiers(env, &c.conn, c.dossiers, c.json, req, report.TitleExport,
		func(ctx context.Context, s store.Store, n string, p dossier.Progress) (export.Result, error) {
			req.Store, req.Numero, req.Progress = s, n, p
			return export.Run(ctx, req)
		}, report.Export)
}

// transfert-export

type transferExportCmd struct {
	conn     connexionOpts
	dossiers numeros
	dest     string
	state    string
	newBase  bool
	json     jsonOpt
}

func (c *transferExportCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagDossier, nil))
	fs.StringVar(&c.dest, "vers", "", i18n.T(msgFlagPTFVers, nil))
	fs.StringVar(&c.state, "etat", "", i18n.T(msgFlagPTFEtat, nil))
	fs.BoolVar(&c.newBase, "nouvelle-base", false, i18n.T(msgFlagPTFNewBase, nil))
	c.json.flags(fs)
}

func (c *transferExportCmd) run(env *Env, args []string) error {
	req := transfer.ExportRequest{Numero: first(c.dossiers), DestDir: c.dest, StateDir: c.state, NewBase: c.newBase}
	return overDossiers(env, &c.conn, c.dossiers, c.json, req, report.TitlePTFSent,
		func(ctx context.Context, s store.Store, n string, p dossier.Progress) (transfer.ExportResult, error) {
			req.Store, req.Numero, req.Progress = s, n, p
			return transfer.Export(ctx, req)
		}, report.TransferExport)
}

// transfert-import

type transferImportCmd struct {
	conn     connexionOpts
	dossiers numeros
	safety   safetyOpt
	sessions sessionsOpt
	json     jsonOpt
}

func (c *transferImportCmd) flags(fs *flag.FlagSet) {
	c.conn.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagUnDossier, nil))
	c.safety.flags(fs)
	c.sessions.flags(fs)
	c.json.flags(fs)
}

func (c *transferImportCmd) run(env *Env, args []string) error {
	numero, err := c.dossiers.one()
	if err != nil {
		return err
	}
	req := transfer.ImportRequest{File: args[0], Numero: numero, SafetyDir: c.safety.dir(),
		IgnoreSessions: bool(c.sessions), SessionIdle: sessionIdle(), Progress: env.progress()}
	return onConnexion(env, &c.conn, c.json, req, func(s store.Store) report.Summary {
		req.Store = s
		return report.TransferImport(transfer.Import(env.Ctx, req))
	})
}

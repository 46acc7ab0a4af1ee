package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/remote"
	"coffre/internal/secret"
	"coffre/internal/service"
	"coffre/internal/verify"
)

// serviceTray is what a GUI offers to show the service's icon near the
// clock. It blocks on the calling (main) goroutine until quit is called or
// ctx ends; backupNow forces a run.
type serviceTray interface {
	ServiceTray(ctx context.Context, backupNow func(), quit func()) error
}

var (
	sumService        = &i18n.Message{ID: "ResumeService", Other: "sauvegarde automatique : tourne en arrière-plan (ou une sous-commande : une-fois, maintenant, installer, desinstaller, faire-confiance, tester-email, accepter, mot-de-passe)"}
	sumServiceOnce    = &i18n.Message{ID: "ResumeServiceUneFois", Other: "fait ce qui est dû maintenant puis s'arrête (cron, Planificateur de tâches)"}
	sumServiceNow     = &i18n.Message{ID: "ResumeServiceMaintenant", Other: "sauvegarde maintenant tous les dossiers choisis, même si ce n'est pas l'heure, puis s'arrête"}
	sumServiceInstall = &i18n.Message{ID: "ResumeServiceInstaller", Other: "installe la sauvegarde automatique : tâche planifiée (Windows) ou unité systemd utilisateur (Linux), enregistrée et démarrée"}
	sumServiceRemove  = &i18n.Message{ID: "ResumeServiceDesinstaller", Other: "retire la sauvegarde automatique installée par « service installer »"}
	sumServiceTrust   = &i18n.Message{ID: "ResumeServiceConfiance", Other: "fait confiance au serveur SFTP configuré (enregistre sa clé dans known_hosts)"}
	sumServiceMail    = &i18n.Message{ID: "ResumeServiceTesterEmail", Other: "envoie un e-mail de test aux destinataires"}
	sumServiceSecret  = &i18n.Message{ID: "ResumeServiceMotDePasse", Other: "enregistre les mots de passe (SMTP, SFTP, WebDAV) ou la clé secrète S3 lus dans des fichiers, hors de coffre.toml"}
	sumSurveiller     = &i18n.Message{ID: "ResumeSurveiller", Other: "signale « sauvegarde non reçue » quand la copie distante la plus récente est trop ancienne"}

	msgFlagConfig     = &i18n.Message{ID: "FlagConfig", Other: "fichier de configuration (défaut : coffre.toml du dossier de configuration)"}
	msgFlagOldAlias   = &i18n.Message{ID: "FlagAncienneForme", Other: "ancienne forme de « coffre service {{.Sub}} », gardée pour les tâches déjà planifiées"}
	msgFlagEmpreinte  = &i18n.Message{ID: "FlagEmpreinte", Other: "n'accepter que cette empreinte (SHA256:…)"}
	msgFlagSMTPPass   = &i18n.Message{ID: "FlagMotDePasseSMTP", Other: "enregistrer le mot de passe SMTP lu dans ce fichier (première ligne), hors de coffre.toml"}
	msgFlagSFTPPass   = &i18n.Message{ID: "FlagMotDePasseSFTP", Other: "enregistrer le mot de passe SFTP lu dans ce fichier (première ligne), hors de coffre.toml"}
	msgFlagS3Secret   = &i18n.Message{ID: "FlagCleSecreteS3", Other: "enregistrer la clé secrète S3 lue dans ce fichier, hors de coffre.toml"}
	msgFlagWebDAVPass = &i18n.Message{ID: "FlagMotDePasseWebDAV", Other: "enregistrer le mot de passe WebDAV lu dans ce fichier, hors de coffre.toml"}
	msgDisabled       = &i18n.Message{ID: "CLIServiceDesactive", Other: "La sauvegarde automatique est désactivée (« active = false » dans {{.File}}) : rien n'a été fait. « coffre service maintenant » sauvegarde quand même."}
	msgFlagSansIcone  = &i18n.Message{ID: "FlagSansIcone", Other: "ne pas afficher d'icône près de l'horloge"}
	msgNothingDue     = &i18n.Message{ID: "CLIServiceRienDu", Other: "Rien à sauvegarder maintenant."}
	msgInstalled      = &i18n.Message{ID: "CLIServiceInstalle", Other: "Service écrit dans {{.File}}. Pour l'activer :"}
	msgTaskInstalled  = &i18n.Message{ID: "CLITacheInstallee", Other: "Sauvegarde automatique enregistrée dans le Planificateur de tâches (« {{.Task}} ») : elle démarre à l'ouverture de votre session et chaque jour à {{.Time}}. Fichier de la tâche : {{.File}}"}
	msgTaskNoSession  = &i18n.Message{ID: "CLITacheInstalleeSansSession", Other: "Sauvegarde automatique enregistrée dans le Planificateur de tâches (« {{.Task}} ») : elle démarre avec l'ordinateur, que l'utilisateur soit connecté ou non, et chaque jour à {{.Time}}. Fichier de la tâche : {{.File}}"}
	msgUnitInstalled  = &i18n.Message{ID: "CLIUniteInstallee", Other: "Sauvegarde automatique installée et démarrée : unité systemd utilisateur {{.File}}."}
	msgTaskRemoved    = &i18n.Message{ID: "CLITacheRetiree", Other: "Sauvegarde automatique retirée du Planificateur de tâches (« {{.Task}} »)."}
	msgUnitRemoved    = &i18n.Message{ID: "CLIUniteRetiree", Other: "Sauvegarde automatique arrêtée et retirée (unité systemd utilisateur {{.File}})."}
	msgRemoveByHand   = &i18n.Message{ID: "CLIRetirerAMain", Other: "Fichier {{.File}} retiré. Pour arrêter le service :"}
	msgFlagNoSession  = &i18n.Message{ID: "FlagSansSession", Other: "Windows : la tâche tourne que l'utilisateur soit connecté ou non (démarre avec l'ordinateur ; schtasks demande le mot de passe du compte, gardé par Windows ; choix d'administrateur)"}
	msgFlagFileOnly   = &i18n.Message{ID: "FlagFichierSeulement", Other: "écrire le fichier de la tâche ou de l'unité sans l'enregistrer, et afficher les commandes qui l'activent"}
	msgTrusted        = &i18n.Message{ID: "CLIServeurConfiance", Other: "Serveur {{.Host}} enregistré comme sûr (empreinte {{.Fingerprint}})."}
	msgTestSent       = &i18n.Message{ID: "CLIEmailTestEnvoye", Other: "E-mail de test envoyé à {{.To}}."}
	msgSecretSaved    = &i18n.Message{ID: "CLISecretEnregistre", Other: "Mot de passe {{.Name}} enregistré {{.Where}}."}
	msgNeedSecret     = &i18n.Message{ID: "CLIMotDePasseRequis", Other: "indiquez --smtp-fichier, --sftp-fichier, --s3-fichier, --webdav-fichier ou --phrase-fichier"}
	msgNotSFTP        = &i18n.Message{ID: "CLIPasSFTP", Other: "la copie distante configurée n'est pas un serveur SFTP"}
	msgWatchFailed    = &i18n.Message{ID: "CLISurveillerAlerte", Other: "Sauvegarde non reçue : dossiers sans sauvegarde récente sur la copie distante : {{.Count}}."}
	msgServiceStarted = &i18n.Message{ID: "CLIServiceDemarre", Other: "Service de sauvegarde automatique démarré (configuration : {{.File}}). Ctrl+C pour l'arrêter."}
	msgServiceRunErr  = &i18n.Message{ID: "CLIServiceErreur", Other: "Sauvegarde automatique : {{.Error}}"}

	sumServiceNewKey  = &i18n.Message{ID: "ResumeServiceNouvelleCle", Other: "crée une clé age pour chiffrer les sauvegardes automatiques : la clé publique va dans coffre.toml (chiffrement = « cle »), la clé privée seulement sur la fiche de secours affichée"}
	sumServiceSheet   = &i18n.Message{ID: "ResumeServiceFiche", Other: "affiche la fiche de secours à imprimer : la phrase secrète ou la clé des sauvegardes chiffrées, et comment restaurer"}
	msgFlagAutoPhrase = &i18n.Message{ID: "FlagPhraseAuto", Other: "enregistrer la phrase secrète des sauvegardes automatiques (chiffrement = « phrase ») lue dans ce fichier, hors de coffre.toml"}
	msgKeySaved       = &i18n.Message{ID: "CLICleAgeEnregistree", Other: "Clé publique enregistrée dans {{.File}} : les prochaines sauvegardes automatiques seront chiffrées pour elle. Imprimez la fiche ci-dessus : la clé privée n'est gardée nulle part ailleurs."}
	msgOldKey         = &i18n.Message{ID: "CLIAncienneCleAge", Other: "Les sauvegardes déjà faites restent chiffrées pour l'ancienne clé ({{.Old}}) : gardez aussi son ancienne fiche."}

	sumServiceAccept    = &i18n.Message{ID: "ResumeServiceAccepter", Other: "accepte le changement signalé dans un dossier (archivage, découpe, remplacement voulus) : sa dernière sauvegarde devient la référence"}
	msgAccepted         = &i18n.Message{ID: "CLIChangementAccepte", Other: "Dossier {{.Numero}} : sa dernière sauvegarde automatique devient la référence ; les suivantes lui seront comparées."}
	msgNoFileWithRemote = &i18n.Message{ID: "CLIDistantSansFichier", Other: "--distant vérifie les copies de la destination distante : ne donnez pas de FICHIER en plus"}
	msgFlagDistant      = &i18n.Message{ID: "FlagDistant", Other: "relire et vérifier chaque copie de la destination distante de la sauvegarde automatique (au lieu d'un FICHIER)"}
	msgRemoteCopyOK     = &i18n.Message{ID: "CLIDistanteIntacte", Other: "{{.Name}} : intacte ({{.Duration}})"}
	msgRemoteCopyBad    = &i18n.Message{ID: "CLIDistanteEndommagee", Other: "{{.Name}} : ENDOMMAGÉE — {{.Error}}"}
	msgRemoteCopySealed = &i18n.Message{ID: "CLIDistanteScellee", Other: "{{.Name}} : intacte, identique à ce qui a été validé ({{.Duration}}) ; chiffrée pour une clé age, son contenu se vérifie avec --identite-fichier"}
	msgRemoteNone       = &i18n.Message{ID: "CLIDistanteAucune", Other: "Aucune sauvegarde sur la destination distante."}
	msgRemoteBad        = &i18n.Message{ID: "CLIDistantesEndommagees", Other: "Des copies distantes ne se vérifient pas : {{.Count}} sur {{.Total}}."}
)

func init() {
	sub := func(name string, summary *i18n.Message, usage string, new func() verb) *command {
		return &command{name: name, summary: summary, usage: usage, new: new}
	}
	register(&command{name: "service", summary: sumService,
		usage: "[une-fois | maintenant | installer | desinstaller | faire-confiance | tester-email | accepter | mot-de-passe | nouvelle-cle-age | fiche-de-secours] [--config F]",
		new:   func() verb { return &serviceCmd{} },
		subs: []*command{
			sub("une-fois", sumServiceOnce, "[--config F]", func() verb { return &serviceOnceCmd{} }),
			sub("maintenant", sumServiceNow, "[--config F]", func() verb { return &serviceOnceCmd{force: true} }),
			sub("installer", sumServiceInstall, "[--sans-session] [--fichier-seulement] [--config F]", func() verb { return &serviceInstallCmd{} }),
			sub("desinstaller", sumServiceRemove, "[--config F]", func() verb { return &serviceRemoveCmd{} }),
			sub("faire-confiance", sumServiceTrust, "[--empreinte SHA256:…] [--config F]", func() verb { return &serviceTrustCmd{} }),
			sub("tester-email", sumServiceMail, "[--config F]", func() verb { return &serviceMailCmd{} }),
			sub("accepter", sumServiceAccept, "--dossier N[,N…] [--config F]", func() verb { return &serviceAcceptCmd{} }),
			sub("mot-de-passe", sumServiceSecret, "[--smtp-fichier F] [--sftp-fichier F] [--s3-fichier F] [--webdav-fichier F] [--phrase-fichier F] [--config F]", func() verb { return &serviceSecretCmd{} }),
			sub("nouvelle-cle-age", sumServiceNewKey, "[--config F]", func() verb { return &serviceNewKeyCmd{} }),
			sub("fiche-de-secours", sumServiceSheet, "[--config F]", func() verb { return &serviceSheetCmd{} }),
		}})
	register(&command{name: "surveiller", aliases: []string{"watch"}, summary: sumSurveiller, usage: "[--config F]",
		new: func() verb { return &watchCmd{} }})
}

// configOpt is --config, the service's configuration file.
type configOpt string

func (c *configOpt) flags(fs *flag.FlagSet) {
	fs.StringVar((*string)(c), "config", "", i18n.T(msgFlagConfig, nil))
}

func (c configOpt) engine(env *Env) *service.Engine {
	eng := service.New(string(c))
	eng.Progress = env.progress() // nil unless on a terminal (or under the test hook)
	return eng
}

// serviceCmd is « coffre service »: the background service. Its old
// boolean options, which scheduled tasks may still use, run the
// sub-commands that replace them.
type serviceCmd struct {
	config  configOpt
	noIcon  bool
	once    bool
	now     bool
	install bool
	remove  bool
	doTrust bool
	mail    bool
	trust   serviceTrustCmd
	secrets serviceSecretCmd
	accept  numeros
}

func (c *serviceCmd) flags(fs *flag.FlagSet) {
	c.config.flags(fs)
	fs.BoolVar(&c.noIcon, "sans-icone", false, i18n.T(msgFlagSansIcone, nil))
	alias := func(p *bool, name string) {
		fs.BoolVar(p, name, false, i18n.T(msgFlagOldAlias, map[string]any{"Sub": name}))
	}
	alias(&c.once, "une-fois")
	alias(&c.now, "maintenant")
	alias(&c.install, "installer")
	alias(&c.remove, "desinstaller")
	alias(&c.doTrust, "faire-confiance")
	alias(&c.mail, "tester-email")
	fs.Var(&c.accept, "accepter", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "accepter --dossier"}))
	fs.StringVar(&c.trust.fingerprint, "empreinte", "", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "faire-confiance --empreinte"}))
	fs.StringVar(&c.secrets.smtp, "mot-de-passe-smtp-fichier", "", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "mot-de-passe --smtp-fichier"}))
	fs.StringVar(&c.secrets.sftp, "mot-de-passe-sftp-fichier", "", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "mot-de-passe --sftp-fichier"}))
	fs.StringVar(&c.secrets.s3, "cle-secrete-s3-fichier", "", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "mot-de-passe --s3-fichier"}))
	fs.StringVar(&c.secrets.webdav, "mot-de-passe-webdav-fichier", "", i18n.T(msgFlagOldAlias, map[string]any{"Sub": "mot-de-passe --webdav-fichier"}))
}

func (c *serviceCmd) run(env *Env, args []string) error {
	stored := c.secrets.any()
	if stored {
		c.secrets.config = c.config
		if err := c.secrets.run(env, nil); err != nil {
			return err
		}
	}
	switch {
	case len(c.accept) > 0:
		return (&serviceAcceptCmd{config: c.config, dossiers: c.accept}).run(env, nil)
	case c.install:
		return (&serviceInstallCmd{config: c.config}).run(env, nil)
	case c.remove:
		return (&serviceRemoveCmd{config: c.config}).run(env, nil)
	case c.doTrust:
		c.trust.config = c.config
		return c.trust.run(env, nil)
	case c.mail:
		return (&serviceMailCmd{config: c.config}).run(env, nil)
	case c.once || c.now:
		return (&serviceOnceCmd{config: c.config, force: c.now}).run(env, nil)
	case stored:
		return nil
	}
	return serve(env, c.config.engine(env), c.noIcon)
}

// service une-fois / maintenant

type serviceOnceCmd struct {
	config configOpt
	force  bool
}

func (c *serviceOnceCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *serviceOnceCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	rep, err := eng.RunOnce(env.Ctx, service.Options{Force: c.force})
	env.endProgress()
	if rep.Ran {
		fmt.Fprintln(env.Stdout, rep.Entry.Title())
		for _, l := range rep.Entry.Lines() {
			fmt.Fprintln(env.Stdout, "  "+l)
		}
	} else if rep.Disabled {
		fmt.Fprintln(env.Stdout, i18n.T(msgDisabled, map[string]any{"File": eng.ConfigPath}))
	} else if err == nil {
		fmt.Fprintln(env.Stdout, i18n.T(msgNothingDue, nil))
	}
	if err != nil {
		return err
	}
	return rep.Err()
}

// service installer

type serviceInstallCmd struct {
	config    configOpt
	noSession bool
	fileOnly  bool
}

func (c *serviceInstallCmd) flags(fs *flag.FlagSet) {
	c.config.flags(fs)
	fs.BoolVar(&c.noSession, "sans-session", false, i18n.T(msgFlagNoSession, nil))
	fs.BoolVar(&c.fileOnly, "fichier-seulement", false, i18n.T(msgFlagFileOnly, nil))
}

func (c *serviceInstallCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	inst, err := eng.Install(env.Ctx, service.InstallOptions{WithoutSession: c.noSession, DryRun: c.fileOnly})
	if err != nil {
		return err
	}
	at := fmt.Sprintf("%02d:%02d", inst.Hour, inst.Minute)
	switch {
	case !inst.Registered:
		fmt.Fprintln(env.Stdout, i18n.T(msgInstalled, map[string]any{"File": inst.File}))
		for _, line := range inst.Commands {
			fmt.Fprintln(env.Stdout, "  "+line)
		}
	case inst.Task && inst.WithoutSession:
		fmt.Fprintln(env.Stdout, i18n.T(msgTaskNoSession, map[string]any{"Task": service.TaskName, "Time": at, "File": inst.File}))
	case inst.Task:
		fmt.Fprintln(env.Stdout, i18n.T(msgTaskInstalled, map[string]any{"Task": service.TaskName, "Time": at, "File": inst.File}))
	default:
		fmt.Fprintln(env.Stdout, i18n.T(msgUnitInstalled, map[string]any{"File": inst.File}))
	}
	for _, h := range inst.Hints {
		fmt.Fprintln(env.Stdout, h)
	}
	return nil
}

// service desinstaller

type serviceRemoveCmd struct{ config configOpt }

func (c *serviceRemoveCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *serviceRemoveCmd) run(env *Env, args []string) error {
	inst, err := c.config.engine(env).Uninstall(env.Ctx)
	if err != nil {
		return err
	}
	switch {
	case !inst.Registered:
		fmt.Fprintln(env.Stdout, i18n.T(msgRemoveByHand, map[string]any{"File": inst.File}))
		for _, line := range inst.Commands {
			fmt.Fprintln(env.Stdout, "  "+line)
		}
	case inst.Task:
		fmt.Fprintln(env.Stdout, i18n.T(msgTaskRemoved, map[string]any{"Task": service.TaskName}))
	default:
		fmt.Fprintln(env.Stdout, i18n.T(msgUnitRemoved, map[string]any{"File": inst.File}))
	}
	return nil
}

// service faire-confiance

type serviceTrustCmd struct {
	config      configOpt
	fingerprint string
}

func (c *serviceTrustCmd) flags(fs *flag.FlagSet) {
	c.config.flags(fs)
	fs.StringVar(&c.fingerprint, "empreinte", "", i18n.T(msgFlagEmpreinte, nil))
}

func (c *serviceTrustCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	cfg, err := config.Load(eng.ConfigPath)
	if err != nil {
		return err
	}
	if cfg.Distant.Type != config.DistantSFTP {
		return usagef(msgNotSFTP, nil)
	}
	o := remote.SFTPOptions{Host: cfg.Distant.Hote, Port: cfg.Distant.Port, User: cfg.Distant.Utilisateur, KnownHosts: cfg.Distant.KnownHostsFile()}
	fp, err := remote.Trust(env.Ctx, o, c.fingerprint)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgTrusted, map[string]any{"Host": cfg.Distant.Hote, "Fingerprint": fp}))
	return nil
}

// service accepter

type serviceAcceptCmd struct {
	config   configOpt
	dossiers numeros
}

func (c *serviceAcceptCmd) flags(fs *flag.FlagSet) {
	c.config.flags(fs)
	fs.Var(&c.dossiers, "dossier", i18n.T(msgFlagDossier, nil))
}

func (c *serviceAcceptCmd) run(env *Env, args []string) error {
	if len(c.dossiers) == 0 {
		return usagef(msgNeedDossier, nil)
	}
	eng := c.config.engine(env)
	for _, n := range c.dossiers {
		if err := eng.Accept(n); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgAccepted, map[string]any{"Numero": n}))
	}
	return nil
}

// runRemote is « coffre verifier --distant »: every offsite copy re-read
// and verified.
func (c *verifyCmd) runRemote(env *Env, args []string) error {
	if len(args) > 0 {
		return usagef(msgNoFileWithRemote, nil)
	}
	pass, err := c.pass.read()
	if err != nil {
		return err
	}
	eng := service.New(string(c.config))
	checks, err := eng.VerifyRemote(env.Ctx, verify.Options{Passphrase: pass, Complete: c.complete, Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	bad := 0
	for _, ch := range checks {
		if ch.Err != nil {
			bad++
			env.log.Error(ch.Err)
		}
		fmt.Fprintln(env.Stdout, remoteCheckLine(ch))
	}
	if len(checks) == 0 {
		fmt.Fprintln(env.Stdout, i18n.T(msgRemoteNone, nil))
	}
	if bad > 0 {
		return i18n.E(msgRemoteBad, map[string]any{"Count": bad, "Total": len(checks)}, dossier.ErrCorrupt)
	}
	return nil
}

// remoteCheckLine is what `verifier --distant` says of one copy.
func remoteCheckLine(ch service.Check) string {
	if ch.Err != nil {
		return oneLine(i18n.T(msgRemoteCopyBad, map[string]any{"Name": ch.Name, "Error": i18n.Describe(ch.Err)}))
	}
	if ch.Sealed {
		return i18n.T(msgRemoteCopySealed, map[string]any{"Name": ch.Name, "Duration": i18n.Duration(ch.Took)})
	}
	return i18n.T(msgRemoteCopyOK, map[string]any{"Name": ch.Name, "Duration": i18n.Duration(ch.Took)})
}

// service tester-email

type serviceMailCmd struct{ config configOpt }

func (c *serviceMailCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *serviceMailCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	cfg, err := config.Require(eng.ConfigPath)
	if err != nil {
		return err
	}
	to, err := eng.TestEmail(env.Ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgTestSent, map[string]any{"To": strings.Join(to, ", ")}))
	return nil
}

// service mot-de-passe

type serviceSecretCmd struct {
	config                         configOpt
	smtp, sftp, s3, webdav, phrase string
}

func (c *serviceSecretCmd) flags(fs *flag.FlagSet) {
	c.config.flags(fs)
	fs.StringVar(&c.smtp, "smtp-fichier", "", i18n.T(msgFlagSMTPPass, nil))
	fs.StringVar(&c.sftp, "sftp-fichier", "", i18n.T(msgFlagSFTPPass, nil))
	fs.StringVar(&c.s3, "s3-fichier", "", i18n.T(msgFlagS3Secret, nil))
	fs.StringVar(&c.webdav, "webdav-fichier", "", i18n.T(msgFlagWebDAVPass, nil))
	fs.StringVar(&c.phrase, "phrase-fichier", "", i18n.T(msgFlagAutoPhrase, nil))
}

func (c *serviceSecretCmd) any() bool {
	return c.smtp != "" || c.sftp != "" || c.s3 != "" || c.webdav != "" || c.phrase != ""
}

func (c *serviceSecretCmd) run(env *Env, args []string) error {
	if !c.any() {
		return usagef(msgNeedSecret, nil)
	}
	eng := c.config.engine(env)
	for _, s := range []struct{ file, name string }{{c.smtp, config.SecretSMTP}, {c.sftp, config.SecretSFTP}, {c.s3, config.SecretS3}, {c.webdav, config.SecretWebDAV}, {c.phrase, config.SecretPhrase}} {
		if s.file == "" {
			continue
		}
		pw, err := readPassphrase(s.file)
		if err != nil {
			return err
		}
		if s.name == config.SecretPhrase {
			if err := secret.CheckNew(pw); err != nil {
				return err
			}
		}
		if err := eng.Secrets.Set(s.name, pw); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgSecretSaved, map[string]any{"Name": strings.ToUpper(s.name), "Where": eng.Secrets.Where()}))
	}
	return nil
}

// service nouvelle-cle-age

type serviceNewKeyCmd struct{ config configOpt }

func (c *serviceNewKeyCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *serviceNewKeyCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	cfg, err := config.Require(eng.ConfigPath)
	if err != nil {
		return err
	}
	id, rcpt, err := secret.NewAgeKey()
	if err != nil {
		return err
	}
	old := cfg.Auto.CleAge
	cfg.Auto.Chiffrement, cfg.Auto.CleAge = config.ChiffrementCle, rcpt
	sheet, err := eng.RecoverySheet(cfg, id)
	if err != nil {
		return err
	}
	// The sheet is shown before the key is saved: no backup is ever made
	// for a key whose private half was not shown.
	fmt.Fprint(env.Stdout, sheet.Text())
	if err := config.Save(eng.ConfigPath, cfg); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgKeySaved, map[string]any{"File": eng.ConfigPath}))
	if old != "" && old != rcpt {
		fmt.Fprintln(env.Stdout, i18n.T(msgOldKey, map[string]any{"Old": old}))
	}
	return nil
}

// service fiche-de-secours

type serviceSheetCmd struct{ config configOpt }

func (c *serviceSheetCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *serviceSheetCmd) run(env *Env, args []string) error {
	eng := c.config.engine(env)
	cfg, err := config.Require(eng.ConfigPath)
	if err != nil {
		return err
	}
	sheet, err := eng.RecoverySheet(cfg, "")
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, sheet.Text())
	return nil
}

// serve runs the service until interrupted, with the tray icon when a
// desktop is there.
func serve(env *Env, eng *service.Engine, noIcon bool) error {
	ctx, stop := signal.NotifyContext(env.Ctx, os.Interrupt)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	now := make(chan struct{}, 1)
	report := func(rep service.Report, err error) {
		if err != nil && !errors.Is(err, context.Canceled) {
			env.log.Error(err)
			fmt.Fprintln(env.Stderr, oneLine(i18n.T(msgServiceRunErr, map[string]any{"Error": i18n.Describe(err)})))
		}
		if rep.Ran {
			fmt.Fprintln(env.Stdout, rep.Entry.Title())
		}
	}
	fmt.Fprintln(env.Stderr, i18n.T(msgServiceStarted, map[string]any{"File": eng.ConfigPath}))
	tray, ok := env.GUI.(serviceTray)
	if !ok || noIcon || !hasDesktop() {
		err := eng.Serve(ctx, now, report)
		if errors.Is(err, context.Canceled) && env.Ctx.Err() == nil {
			return nil // Ctrl+C is how a foreground service stops
		}
		return err
	}
	done := make(chan error, 1)
	go func() { done <- eng.Serve(ctx, now, report) }()
	backupNow := func() {
		select {
		case now <- struct{}{}:
		default:
		}
	}
	if err := tray.ServiceTray(ctx, backupNow, cancel); err != nil {
		cancel()
		<-done
		return err
	}
	cancel()
	<-done
	return nil
}

// hasDesktop reports whether a tray icon can be shown.
func hasDesktop() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// surveiller

type watchCmd struct{ config configOpt }

func (c *watchCmd) flags(fs *flag.FlagSet) { c.config.flags(fs) }

func (c *watchCmd) run(env *Env, args []string) error {
	eng := service.New(string(c.config))
	w, err := eng.Watch(env.Ctx)
	if err != nil {
		return err
	}
	for _, l := range w.Lines() {
		fmt.Fprintln(env.Stdout, l)
	}
	if w.Note != "" {
		fmt.Fprintln(env.Stdout, w.Note)
	}
	if len(w.Stale) > 0 {
		return i18n.E(msgWatchFailed, map[string]any{"Count": len(w.Stale)}, nil)
	}
	return nil
}

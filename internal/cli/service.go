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
	sumService    = &i18n.Message{ID: "ResumeService", Other: "sauvegarde automatique : tourne en arrière-plan, ou une seule fois (--une-fois)"}
	sumSurveiller = &i18n.Message{ID: "ResumeSurveiller", Other: "signale « sauvegarde non reçue » quand la copie distante la plus récente est trop ancienne"}

	msgFlagConfig       = &i18n.Message{ID: "FlagConfig", Other: "fichier de configuration (défaut : coffre.toml du dossier de configuration)"}
	msgFlagUneFois      = &i18n.Message{ID: "FlagUneFois", Other: "faire ce qui est dû maintenant puis s'arrêter (cron, Planificateur de tâches)"}
	msgFlagMaintenant   = &i18n.Message{ID: "FlagMaintenant", Other: "sauvegarder maintenant tous les dossiers choisis, même si ce n'est pas l'heure"}
	msgFlagInstaller    = &i18n.Message{ID: "FlagInstaller", Other: "installer le service : unité systemd utilisateur (Linux) ou tâche planifiée (Windows)"}
	msgFlagConfiance    = &i18n.Message{ID: "FlagFaireConfiance", Other: "faire confiance au serveur SFTP configuré (enregistre sa clé dans known_hosts)"}
	msgFlagEmpreinte    = &i18n.Message{ID: "FlagEmpreinte", Other: "avec --faire-confiance : n'accepter que cette empreinte (SHA256:…)"}
	msgFlagTestEmail    = &i18n.Message{ID: "FlagTesterEmail", Other: "envoyer un e-mail de test aux destinataires"}
	msgFlagSMTPPass     = &i18n.Message{ID: "FlagMotDePasseSMTP", Other: "enregistrer le mot de passe SMTP lu dans ce fichier (première ligne), hors de coffre.toml"}
	msgFlagSFTPPass     = &i18n.Message{ID: "FlagMotDePasseSFTP", Other: "enregistrer le mot de passe SFTP lu dans ce fichier (première ligne), hors de coffre.toml"}
	msgFlagS3Secret     = &i18n.Message{ID: "FlagCleSecreteS3", Other: "enregistrer la clé secrète S3 lue dans ce fichier, hors de coffre.toml"}
	msgFlagWebDAVPass   = &i18n.Message{ID: "FlagMotDePasseWebDAV", Other: "enregistrer le mot de passe WebDAV lu dans ce fichier, hors de coffre.toml"}
	msgFlagSansIcone    = &i18n.Message{ID: "FlagSansIcone", Other: "ne pas afficher d'icône près de l'horloge"}
	msgNothingDue       = &i18n.Message{ID: "CLIServiceRienDu", Other: "Rien à sauvegarder maintenant."}
	msgDisabled         = &i18n.Message{ID: "CLIServiceDesactive", Other: "La sauvegarde automatique est désactivée (« active = false » dans {{.File}}) : rien n'a été fait. « --maintenant » sauvegarde quand même."}
	msgInstalled        = &i18n.Message{ID: "CLIServiceInstalle", Other: "Service écrit dans {{.File}}. Pour l'activer :"}
	msgTrusted          = &i18n.Message{ID: "CLIServeurConfiance", Other: "Serveur {{.Host}} enregistré comme sûr (empreinte {{.Fingerprint}})."}
	msgTestSent         = &i18n.Message{ID: "CLIEmailTestEnvoye", Other: "E-mail de test envoyé à {{.To}}."}
	msgSecretSaved      = &i18n.Message{ID: "CLISecretEnregistre", Other: "Mot de passe {{.Name}} enregistré {{.Where}}."}
	msgNotSFTP          = &i18n.Message{ID: "CLIPasSFTP", Other: "la copie distante configurée n'est pas un serveur SFTP"}
	msgWatchFailed      = &i18n.Message{ID: "CLISurveillerAlerte", Other: "Sauvegarde non reçue : dossiers sans sauvegarde récente sur la copie distante : {{.Count}}."}
	msgServiceStarted   = &i18n.Message{ID: "CLIServiceDemarre", Other: "Service de sauvegarde automatique démarré (configuration : {{.File}}). Ctrl+C pour l'arrêter."}
	msgServiceRunError  = &i18n.Message{ID: "CLIServiceErreur", Other: "Sauvegarde automatique : {{.Error}}"}
	msgNoFileWithRemote = &i18n.Message{ID: "CLIDistantSansFichier", Other: "--distant vérifie les copies de la destination distante : ne donnez pas de FICHIER en plus"}
	msgFlagDistant      = &i18n.Message{ID: "FlagDistant", Other: "relire et vérifier chaque copie de la destination distante de la sauvegarde automatique (au lieu d'un FICHIER)"}
	msgRemoteCopyOK     = &i18n.Message{ID: "CLIDistanteIntacte", Other: "{{.Name}} : intacte ({{.Duration}})"}
	msgRemoteCopyBad    = &i18n.Message{ID: "CLIDistanteEndommagee", Other: "{{.Name}} : ENDOMMAGÉE — {{.Error}}"}
	msgRemoteNone       = &i18n.Message{ID: "CLIDistanteAucune", Other: "Aucune sauvegarde sur la destination distante."}
	msgRemoteBad        = &i18n.Message{ID: "CLIDistantesEndommagees", Other: "Des copies distantes ne se vérifient pas : {{.Count}} sur {{.Total}}."}
	msgFlagAccepter     = &i18n.Message{ID: "FlagAccepter", Other: "accepter le changement signalé dans le dossier NUMÉRO (archivage, découpe, remplacement voulus) : sa dernière sauvegarde devient la référence"}
	msgAccepted         = &i18n.Message{ID: "CLIChangementAccepte", Other: "Dossier {{.Numero}} : sa dernière sauvegarde automatique devient la référence ; les suivantes lui seront comparées."}
)

func init() {
	register(&command{name: "service", summary: sumService,
		usage: "[--une-fois] [--maintenant] [--config F] | --installer | --faire-confiance | --tester-email | --accepter NUMÉRO",
		flags: func(fs *flag.FlagSet) {
			fs.String("config", "", i18n.T(msgFlagConfig, nil))
			fs.Bool("une-fois", false, i18n.T(msgFlagUneFois, nil))
			fs.Bool("maintenant", false, i18n.T(msgFlagMaintenant, nil))
			fs.Bool("installer", false, i18n.T(msgFlagInstaller, nil))
			fs.Bool("faire-confiance", false, i18n.T(msgFlagConfiance, nil))
			fs.String("empreinte", "", i18n.T(msgFlagEmpreinte, nil))
			fs.Bool("tester-email", false, i18n.T(msgFlagTestEmail, nil))
			fs.String("mot-de-passe-smtp-fichier", "", i18n.T(msgFlagSMTPPass, nil))
			fs.String("mot-de-passe-sftp-fichier", "", i18n.T(msgFlagSFTPPass, nil))
			fs.String("cle-secrete-s3-fichier", "", i18n.T(msgFlagS3Secret, nil))
			fs.String("mot-de-passe-webdav-fichier", "", i18n.T(msgFlagWebDAVPass, nil))
			fs.Bool("sans-icone", false, i18n.T(msgFlagSansIcone, nil))
			fs.String("accepter", "", i18n.T(msgFlagAccepter, nil))
		}, run: runService})
	register(&command{name: "surveiller", aliases: []string{"watch"}, summary: sumSurveiller, usage: "[--config F]",
		flags: func(fs *flag.FlagSet) {
			fs.String("config", "", i18n.T(msgFlagConfig, nil))
		}, run: runSurveiller})
}

func runService(env *Env, fs *flag.FlagSet, args []string) error {
	eng := service.New(str(fs, "config"))
	eng.Progress = env.progress() // nil unless on a terminal (or under the test hook)
	stored := false
	for _, s := range []struct{ flag, name string }{{"mot-de-passe-smtp-fichier", config.SecretSMTP}, {"mot-de-passe-sftp-fichier", config.SecretSFTP},
		{"cle-secrete-s3-fichier", config.SecretS3}, {"mot-de-passe-webdav-fichier", config.SecretWebDAV}} {
		if f := str(fs, s.flag); f != "" {
			pw, err := readPassphrase(f)
			if err != nil {
				return err
			}
			if err := eng.Secrets.Set(s.name, pw); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, i18n.T(msgSecretSaved, map[string]any{"Name": strings.ToUpper(s.name), "Where": eng.Secrets.Where()}))
			stored = true
		}
	}
	switch {
	case str(fs, "accepter") != "":
		nums, err := dossier.ParseNumeros(str(fs, "accepter"))
		if err != nil {
			return err
		}
		for _, n := range nums {
			if err := eng.Accept(n); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, i18n.T(msgAccepted, map[string]any{"Numero": n}))
		}
		return nil
	case boolean(fs, "installer"):
		cfg, err := config.Load(eng.ConfigPath)
		if err != nil {
			return err
		}
		h, m, ok, _ := cfg.Auto.TimeOfDay()
		if !ok {
			h, m = 21, 30
		}
		inst, err := service.Installer(eng.ConfigPath, h, m)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgInstalled, map[string]any{"File": inst.File}))
		for _, c := range inst.Commands {
			fmt.Fprintln(env.Stdout, "  "+c)
		}
		return nil
	case boolean(fs, "faire-confiance"):
		cfg, err := config.Load(eng.ConfigPath)
		if err != nil {
			return err
		}
		if cfg.Distant.Type != config.DistantSFTP {
			return usagef(msgNotSFTP, nil)
		}
		o := remote.SFTPOptions{Host: cfg.Distant.Hote, Port: cfg.Distant.Port, User: cfg.Distant.Utilisateur, KnownHosts: cfg.Distant.KnownHostsFile()}
		fp, err := remote.Trust(env.Ctx, o, str(fs, "empreinte"))
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgTrusted, map[string]any{"Host": cfg.Distant.Hote, "Fingerprint": fp}))
		return nil
	case boolean(fs, "tester-email"):
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
	case stored && !boolean(fs, "une-fois") && !boolean(fs, "maintenant"):
		return nil
	case boolean(fs, "une-fois") || boolean(fs, "maintenant"):
		rep, err := eng.RunOnce(env.Ctx, service.Options{Force: boolean(fs, "maintenant")})
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
	return serve(env, eng, boolean(fs, "sans-icone"))
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
			fmt.Fprintln(env.Stderr, oneLine(i18n.T(msgServiceRunError, map[string]any{"Error": i18n.Describe(err)})))
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

// runVerifyRemote is `coffre verifier --distant`: every offsite copy
// re-read and verified.
func runVerifyRemote(env *Env, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef(msgNoFileWithRemote, nil)
	}
	pass, err := readPassphrase(str(fs, "phrase-secrete-fichier"))
	if err != nil {
		return err
	}
	eng := service.New(str(fs, "config"))
	checks, err := eng.VerifyRemote(env.Ctx, verify.Options{Passphrase: pass, Complete: boolean(fs, "complet"), Progress: env.progress()})
	env.endProgress()
	if err != nil {
		return err
	}
	bad := 0
	for _, c := range checks {
		if c.Err != nil {
			bad++
			fmt.Fprintln(env.Stdout, oneLine(i18n.T(msgRemoteCopyBad, map[string]any{"Name": c.Name, "Error": i18n.Describe(c.Err)})))
			continue
		}
		fmt.Fprintln(env.Stdout, i18n.T(msgRemoteCopyOK, map[string]any{"Name": c.Name, "Duration": i18n.Duration(c.Took)}))
	}
	if len(checks) == 0 {
		fmt.Fprintln(env.Stdout, i18n.T(msgRemoteNone, nil))
	}
	if bad > 0 {
		return i18n.E(msgRemoteBad, map[string]any{"Count": bad, "Total": len(checks)}, dossier.ErrCorrupt)
	}
	return nil
}

func runSurveiller(env *Env, fs *flag.FlagSet, args []string) error {
	eng := service.New(str(fs, "config"))
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

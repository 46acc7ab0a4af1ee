package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/notify"
	"coffre/internal/remote"
)

// Stale is a dossier whose newest offsite backup is too old (or missing).
type Stale struct {
	Key    string    // « 001-SOC », or « 001 » when none ever arrived
	Newest time.Time // zero when none
}

// WatchReport is what `coffre surveiller` found.
type WatchReport struct {
	Where  string
	Newest map[string]time.Time
	Stale  []Stale
	Mail   *notify.Mail
	Note   string // what happened to the e-mail
}

var (
	msgNotReceived = &i18n.Message{ID: "SurveillerNonRecue", Other: "sauvegarde non reçue : {{.Key}} (la plus récente : {{.Newest}})"}
	msgWatchOK     = &i18n.Message{ID: "SurveillerOK", Other: "{{.Key}} : dernière sauvegarde reçue le {{.Newest}}"}
	msgNoneYet     = &i18n.Message{ID: "SurveillerAucune", Other: "aucune"}
	msgWatchNoDest = &i18n.Message{ID: "SurveillerSansDestination", Other: "Aucune copie distante n'est configurée dans « {{.File}} » : il n'y a rien à surveiller. Choisissez une destination (SFTP, dossier réseau…) dans l'écran Configuration."}
	msgWatchDown   = &i18n.Message{ID: "SurveillerInjoignable", Other: "Surveillance impossible : {{.Detail}}"}
)

// keyLabel names the dossier of a key the way every message does
// (dossier.Label): « 001-SOC » is « 001 SOC », « 002 » stays « 002 ».
func keyLabel(key string) string {
	numero, nom, _ := strings.Cut(key, "-")
	return dossier.Label(numero, nom)
}

// Lines are the watch's findings in French, one per dossier, in the order
// of their numbers.
func (w WatchReport) Lines() []string {
	var out []string
	stale := map[string]bool{}
	for _, s := range w.Stale {
		stale[s.Key] = true
		n := i18n.T(msgNoneYet, nil)
		if !s.Newest.IsZero() {
			n = i18n.DateTime(s.Newest)
		}
		out = append(out, i18n.T(msgNotReceived, map[string]any{"Key": keyLabel(s.Key), "Newest": n}))
	}
	keys := make([]string, 0, len(w.Newest))
	for k := range w.Newest {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !stale[k] {
			out = append(out, i18n.T(msgWatchOK, map[string]any{"Key": keyLabel(k), "Newest": i18n.DateTime(w.Newest[k])}))
		}
	}
	return out
}

// Watch looks at the offsite destination of the configuration at path and
// reports every dossier whose newest backup there is older than the set age
// (and every chosen dossier with none); it e-mails « sauvegarde non reçue »
// when e-mail is set up. A destination it cannot read is an alert too
// (« surveillance impossible »), mailed, and returned as the error. It runs
// on any machine (a cron job at the IT provider's).
func (e *Engine) Watch(ctx context.Context) (WatchReport, error) {
	var w WatchReport
	cfg, err := config.Require(e.ConfigPath)
	if err != nil {
		return w, err
	}
	if cfg.Distant.Type == config.DistantAucun {
		return w, i18n.E(msgWatchNoDest, map[string]any{"File": e.ConfigPath}, config.ErrInvalid)
	}
	w.Where = DescribeRemote(cfg.Distant)
	now := e.now()
	all, err := e.listRemote(ctx, cfg)
	if err != nil {
		e.watchMail(ctx, cfg, &w, notify.Report{Kind: notify.WatchFailed, Poste: e.Poste, Debut: now, Distant: w.Where,
			Dossiers: []notify.Dossier{{Numero: "—", Erreur: i18n.Describe(err)}}})
		return w, i18n.E(msgWatchDown, map[string]any{"Detail": i18n.Describe(err)}, err)
	}
	age := time.Duration(cfg.Surveiller.AgeMaxHeures) * time.Hour
	if age <= 0 {
		age = 36 * time.Hour
	}
	w.Newest = map[string]time.Time{}
	seen := map[string]bool{}
	for k, l := range all {
		t := l[0].Taken
		if l[0].ModTime.After(t) {
			t = l[0].ModTime
		}
		w.Newest[k] = t
		seen[k[:3]] = true
		if now.Sub(t) > age {
			w.Stale = append(w.Stale, Stale{Key: k, Newest: t})
		}
	}
	for _, n := range cfg.Auto.Dossiers {
		if len(n) == 3 && !seen[n] {
			w.Stale = append(w.Stale, Stale{Key: n})
		}
	}
	if len(w.Stale) > 0 {
		r := notify.Report{Kind: notify.NotReceived, Poste: e.Poste, Debut: now, Distant: w.Where, AgeMax: age}
		for _, s := range w.Stale {
			r.Dossiers = append(r.Dossiers, notify.Dossier{Numero: keyLabel(s.Key), DerniereRecue: s.Newest})
		}
		e.watchMail(ctx, cfg, &w, r)
	}
	return w, nil
}

func (e *Engine) listRemote(ctx context.Context, cfg config.Config) (map[string][]remote.Backup, error) {
	be, err := remote.Open(ctx, cfg.Distant, e.Secrets)
	if err != nil {
		return nil, err
	}
	defer be.Close()
	return remote.Backups(be)
}

func (e *Engine) watchMail(ctx context.Context, cfg config.Config, w *WatchReport, r notify.Report) {
	if !cfg.Email.Active {
		return
	}
	var rep Report
	e.send(ctx, cfg, &rep, r)
	if len(rep.Mails) > 0 {
		w.Mail = &rep.Mails[0]
	}
	if len(rep.Entry.Courriels) > 0 {
		w.Note = rep.Entry.Courriels[0].String()
	}
}

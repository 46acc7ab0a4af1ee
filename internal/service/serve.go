package service

import (
	"context"
	"time"

	"coffre/internal/config"
	"coffre/internal/i18n"
	"coffre/internal/notify"
	"coffre/internal/remote"
	"coffre/internal/schedule"
)

// Poll is how often the service looks at the triggers that are not a time
// of day (« tous les N jours », « après N nouvelles écritures »).
const Poll = 5 * time.Minute

// Serve runs the service until ctx ends: a run at start (which catches up a
// run missed while the computer was off), then at each due time; a value on
// now forces a run (« Sauvegarder maintenant »). done, if not nil, receives
// each run's report.
func (e *Engine) Serve(ctx context.Context, now <-chan struct{}, done func(Report, error)) error {
	force := false
	for {
		rep, err := e.RunOnce(ctx, Options{Force: force})
		force = false
		if done != nil && (rep.Ran || err != nil) {
			done(rep, err)
		}
		wait := Poll
		if cfg, err := config.Load(e.ConfigPath); err == nil {
			if plan, err := schedule.FromConfig(cfg.Auto); err == nil {
				n := e.now()
				wait = schedule.Next(plan, n, Poll).Sub(n)
			}
		}
		t := time.NewTimer(max(wait, time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-now:
			force = true
		case <-t.C:
		}
		t.Stop()
	}
}

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
	msgNotReceived = &i18n.Message{ID: "SurveillerNonRecue", Other: "sauvegarde non reçue : {{.Key}} (la plus récente : {{.Newest}})"}
	msgWatchOK     = &i18n.Message{ID: "SurveillerOK", Other: "{{.Key}} : dernière sauvegarde reçue le {{.Newest}}"}
	msgNoneYet     = &i18n.Message{ID: "SurveillerAucune", Other: "aucune"}
)

// Lines are the watch's findings in French, one per dossier.
func (w WatchReport) Lines() []string {
	var out []string
	stale := map[string]bool{}
	for _, s := range w.Stale {
		stale[s.Key] = true
		n := i18n.T(msgNoneYet, nil)
		if !s.Newest.IsZero() {
			n = i18n.DateTime(s.Newest)
		}
		out = append(out, i18n.T(msgNotReceived, map[string]any{"Key": s.Key, "Newest": n}))
	}
	for k, t := range w.Newest {
		if !stale[k] {
			out = append(out, i18n.T(msgWatchOK, map[string]any{"Key": k, "Newest": i18n.DateTime(t)}))
		}
	}
	return out
}

// Watch looks at the offsite destination of the configuration at path and
// reports every dossier whose newest backup there is older than the set age
// (and every chosen dossier with none); it e-mails « sauvegarde non reçue »
// when e-mail is set up. It runs on any machine (a cron job at the IT
// provider's).
func (e *Engine) Watch(ctx context.Context) (WatchReport, error) {
	var w WatchReport
	cfg, err := config.Load(e.ConfigPath)
	if err != nil {
		return w, err
	}
	w.Where = DescribeRemote(cfg.Distant)
	be, err := remote.Open(ctx, cfg.Distant, e.Secrets)
	if err != nil {
		return w, err
	}
	defer be.Close()
	all, err := remote.Backups(be)
	if err != nil {
		return w, err
	}
	now := e.now()
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
	if len(w.Stale) > 0 && cfg.Email.Active {
		r := notify.Report{Kind: notify.NotReceived, Poste: e.Poste, Debut: now, Distant: w.Where, AgeMax: age}
		for _, s := range w.Stale {
			r.Dossiers = append(r.Dossiers, notify.Dossier{Numero: s.Key, DerniereRecue: s.Newest})
		}
		var rep Report
		e.send(ctx, cfg, &rep, r)
		if len(rep.Mails) > 0 {
			w.Mail = &rep.Mails[0]
		}
		if len(rep.Entry.Emails) > 0 {
			w.Note = rep.Entry.Emails[0]
		}
	}
	return w, nil
}

package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/journal"
	"coffre/internal/notify"
	"coffre/internal/remote"
)

var (
	msgSent       = &i18n.Message{ID: "ServiceMailEnvoye", Other: "E-mail envoyé à {{.To}} : {{.Subject}}"}
	msgQueueSent  = &i18n.Message{ID: "ServiceMailsRenvoyes", One: "{{.Count}} e-mail en attente a été envoyé.", Other: "{{.Count}} e-mails en attente ont été envoyés."}
	msgSMTPConf   = &i18n.Message{ID: "ServiceSMTPConfig", Other: "E-mails non envoyés : {{.Detail}}"}
	msgMailFullOK = &i18n.Message{ID: "ServiceMailControleOK", Other: "réussi (intégrité de la base vérifiée en entier, chaque semaine)"}
)

// kindNoSpace is the alert kind of a full destination, which the offsite
// copy handles by making room once.
const kindNoSpace = notify.RemoteNoSpace

// remoteKind is the alert that tells the offsite failure err apart.
func remoteKind(err error) notify.Kind {
	if err == nil {
		return notify.RemoteOK
	}
	if errors.Is(err, ErrRecheckDamaged) {
		return notify.RemoteDamaged
	}
	switch remote.CauseOf(err) {
	case remote.CauseDamaged:
		return notify.RemoteDamaged
	case remote.CauseRefused:
		return notify.RemoteRefused
	case remote.CauseHostNotFound:
		return notify.RemoteNoHost
	case remote.CauseUnreachable:
		return notify.RemoteNoAnswer
	case remote.CauseUnknownHost:
		return notify.RemoteUnknownKey
	case remote.CauseHostKeyChanged:
		return notify.RemoteKeyChanged
	case remote.CauseAuth:
		return notify.RemoteAuth
	case remote.CauseNoSpace:
		return notify.RemoteNoSpace
	case remote.CausePermission:
		return notify.RemoteDenied
	case remote.CauseStalled:
		return notify.RemoteStalled
	case remote.CauseTLS:
		return notify.RemoteTLS
	case remote.CauseNotFound:
		return notify.RemoteNotFound
	}
	return notify.RemoteFailed
}

// smtp is the mail server and the recipients of the configuration.
func (e *Engine) smtp(cfg config.Config) (notify.SMTP, []string, error) {
	s, err := notify.FromConfig(cfg.Email, e.Secrets)
	if err != nil {
		return s, nil, err
	}
	emp, err := e.employees()
	if err != nil {
		return s, nil, err
	}
	return s, notify.Recipients(cfg.Destinataire, emp), nil
}

func (e *Engine) employees() ([]employes.Employee, error) {
	if e.Employees != nil {
		return e.Employees()
	}
	st, err := employes.OpenDefault()
	if err != nil {
		return nil, nil
	}
	return st.List()
}

// TestEmail sends the test e-mail of the settings cfg (the Configuration
// screen's button and `coffre service tester-email` both come here) and
// returns its recipients.
func (e *Engine) TestEmail(ctx context.Context, cfg config.Config) ([]string, error) {
	s, to, err := e.smtp(cfg)
	if err != nil {
		return nil, err
	}
	return to, notify.SendTest(ctx, s, to, e.Poste)
}

func (e *Engine) flushQueue(ctx context.Context, cfg config.Config, rep *Report) {
	if e.queue().Len() == 0 {
		return
	}
	s, _, err := e.smtp(cfg)
	if err != nil {
		return
	}
	sent, notes := e.queue().Flush(ctx, s, e.now())
	if sent > 0 {
		rep.Entry.Mail(i18n.NewNote(msgQueueSent, map[string]any{"Count": sent}))
	}
	rep.Entry.Courriels = append(rep.Entry.Courriels, notes...)
}

func (e *Engine) send(ctx context.Context, cfg config.Config, rep *Report, r notify.Report) {
	if cfg.Email.EchecsSeulement && !r.Kind.IsFailure() && r.Kind != notify.Digest {
		return
	}
	s, to, err := e.smtp(cfg)
	if err != nil {
		rep.Entry.Mail(i18n.NewNote(msgSMTPConf, map[string]any{"Detail": i18n.Describe(err)}))
		return
	}
	m := notify.Compose(r, to)
	rep.Mails = append(rep.Mails, m)
	sent, note := notify.Deliver(ctx, s, e.queue(), m)
	if sent {
		rep.Sent++
		rep.Entry.Mail(i18n.NewNote(msgSent, map[string]any{"To": strings.Join(to, ", "), "Subject": m.Subject}))
	} else {
		rep.Queued++
		rep.Entry.Mail(note)
	}
}

// alerts sends the e-mails of a run: the backup (réussie / échouée /
// changement inquiétant), then the offsite copy (reçue et validée, reçue
// endommagée, or why it was not sent) when one is configured.
func (e *Engine) alerts(ctx context.Context, p *runPlan, rep *Report) {
	r := notify.Report{Kind: notify.BackupOK, Poste: e.Poste, Debut: rep.Entry.Debut, Duree: time.Since(rep.started),
		DureeLocale: rep.LocalTime, DureeDistante: rep.RemoteTime, Destination: p.dest, Remarques: texts(rep.Notes)}
	var copies []notify.Dossier
	kind := notify.RemoteOK
	worse := func(k notify.Kind) {
		if kind == notify.RemoteOK || (kind == notify.RemoteFailed && k != notify.RemoteOK) {
			kind = k
		}
	}
	for _, b := range rep.Backups {
		d := notify.Dossier{Numero: b.Info.Numero, Nom: b.Info.Nom, RaisonSociale: b.Info.RaisonSociale}
		switch {
		case b.Err != nil:
			r.Kind = notify.BackupFailed
			d.Erreur = i18n.Describe(b.Err)
			d.Changements = texts(b.Changes)
		default:
			res := b.Result
			d.Fichier, d.Taille, d.Duree, d.Verifiee = res.Path, res.Size, res.Duration, res.Verified
			if res.Manifest != nil {
				d.DerniereEcriture = res.Manifest.Stats.LastEntryDate
			}
			d.Sessions = sessionLines(res.Sessions)
			for _, c := range b.Changes {
				d.Changements = append(d.Changements, c.String())
			}
			if c := b.FullCheck; c != nil {
				if c.Err == nil {
					d.Controle = i18n.T(msgMailFullOK, nil)
				} else {
					d.Erreur = i18n.T(msgFullCheckBad, map[string]any{"Detail": i18n.Describe(c.Err)})
					r.Kind = notify.BackupFailed
				}
			}
			if len(b.Changes) > 0 && r.Kind == notify.BackupOK {
				r.Kind = notify.BackupSuspicious
			}
		}
		r.Dossiers = append(r.Dossiers, d)
		if b.Remote != nil {
			copies = append(copies, copyLine(d, b.Remote, false))
			worse(remoteKind(b.Remote.Err))
		}
	}
	for _, s := range rep.Outbox {
		num, nom, _ := strings.Cut(s.Key, "-")
		copies = append(copies, copyLine(notify.Dossier{Numero: num, Nom: nom}, &s.Result, true))
		worse(remoteKind(s.Result.Err))
	}
	for _, c := range rep.Rechecked {
		if c.Err == nil {
			continue
		}
		num, nom, _ := strings.Cut(strings.SplitN(c.Name, "_", 2)[0], "-")
		copies = append(copies, notify.Dossier{Numero: num, Nom: nom, Fichier: c.Name, Erreur: i18n.T(msgRecheckBad, map[string]any{"Name": c.Name, "Detail": i18n.Describe(c.Err)})})
		worse(remoteKind(c.Err))
	}
	e.send(ctx, p.cfg, rep, r)
	if len(copies) > 0 {
		e.send(ctx, p.cfg, rep, notify.Report{Kind: kind, Poste: e.Poste, Debut: rep.Entry.Debut, Distant: rep.Entry.Distant,
			DureeDistante: rep.RemoteTime, Dossiers: copies})
	}
}

func texts(ns []i18n.Note) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.String()
	}
	return out
}

// copyLine is one copy in the offsite alert.
func copyLine(d notify.Dossier, res *remote.CopyResult, late bool) notify.Dossier {
	c := notify.Dossier{Numero: d.Numero, Nom: d.Nom, RaisonSociale: d.RaisonSociale, Fichier: res.Name, Taille: res.Size,
		Distant: remoteVerdict(res), DureeDistante: res.Duration, EnRetard: late}
	if res.Status != remote.Validated {
		// The title says the copy failed; the error line says why.
		c.Erreur, c.Distant = res.Detail, ""
		if c.Erreur == "" {
			c.Erreur = remoteVerdict(res)
		}
	}
	return c
}

// digest sends the weekly summary when its day has come: one line per
// dossier, from the run log of the last seven days. It is sent even with
// « échecs seulement », so that its absence says the service stopped.
func (e *Engine) digest(ctx context.Context, p *runPlan, rep *Report) bool {
	day, ok := p.cfg.Email.DigestDay()
	if !ok || p.now.Weekday() != day {
		return false
	}
	last := p.st.LastDigest
	if !last.IsZero() && !last.After(p.now) && p.now.Sub(last) < 6*24*time.Hour {
		return false
	}
	since := p.now.AddDate(0, 0, -7)
	entries, err := e.Journal().Read(0)
	if err != nil {
		return false
	}
	r := notify.Report{Kind: notify.Digest, Poste: e.Poste, Debut: since, Destination: p.dest, Distant: DescribeRemote(p.cfg.Distant)}
	weeks := map[string]*notify.Week{}
	var order []string
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		if en.Debut.Before(since) || en.Debut.After(p.now) {
			continue
		}
		r.Runs++
		for _, d := range en.Dossiers {
			k := dossier.Label(d.Numero, d.Nom)
			w := weeks[k]
			if w == nil {
				w = &notify.Week{}
				weeks[k] = w
				order = append(order, k)
			}
			switch {
			case d.Failed():
				w.Failed++
			case len(d.Changements) > 0:
				w.Suspicious++
			default:
				w.OK++
				w.LastOK = en.Debut
			}
			if d.DistantValidee {
				w.LastRemote = en.Debut
			}
		}
		if en.Statut == journal.StatusFailed && len(en.Dossiers) == 0 {
			k := "—"
			if weeks[k] == nil {
				weeks[k] = &notify.Week{}
				order = append(order, k)
			}
			weeks[k].Failed++
		}
	}
	for _, k := range order {
		num, nom, _ := strings.Cut(k, " ")
		r.Dossiers = append(r.Dossiers, notify.Dossier{Numero: num, Nom: nom, Week: weeks[k]})
	}
	p.st.LastDigest = p.now
	e.send(ctx, p.cfg, rep, r)
	return true
}

package service

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/journal"
	"coffre/internal/remote"
)

// commit ends a run: the local rotation (once the offsite copy had its
// chance to send what it lacked), the state, the run log and the alerts.
func (e *Engine) commit(ctx context.Context, p *runPlan, rep *Report) {
	done := map[string]bool{}
	for i, b := range rep.Backups {
		if b.Err != nil {
			continue
		}
		key := p.reg.Local[b.Result.Path].Key
		if done[key] {
			continue
		}
		done[key] = true
		removed, err := p.reg.rotateLocal(p.dest, key, p.cfg.Auto.Conserver)
		rep.Backups[i].Removed = removed
		if err != nil {
			rep.note(i18n.Describe(err))
		}
	}
	if err := p.reg.save(); err != nil {
		rep.note(i18n.Describe(err))
	}
	if !p.slot.IsZero() {
		p.st.SlotDone = p.slot
	}
	p.st.LastRun = p.now
	e.finishEntry(rep)
	if p.cfg.Email.Active {
		e.alerts(ctx, p, rep)
		e.digest(ctx, p, rep)
	}
	if err := p.st.Save(e.Dir); err != nil {
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
	}
	rep.Entry.Fin = e.now()
}

// DescribeRemote names the offsite destination for people (no password).
func DescribeRemote(d config.Distant) string {
	switch d.Type {
	case config.DistantSFTP:
		port := d.Port
		if port == 0 {
			port = 22
		}
		return fmt.Sprintf("sftp://%s@%s:%d/%s", d.Utilisateur, d.Hote, port, strings.TrimPrefix(d.Chemin, "/"))
	case config.DistantDossier:
		return d.Dossier
	case config.DistantS3:
		return fmt.Sprintf("s3://%s/%s (%s)", d.Compartiment, strings.Trim(d.Prefixe, "/"), withoutUser(d.Adresse))
	case config.DistantWebDAV:
		return withoutUser(d.Adresse)
	}
	return ""
}

// withoutUser drops any user and password written into an address.
func withoutUser(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.User == nil {
		return addr
	}
	u.User = nil
	return u.String()
}

func sessionLines(ss []dossier.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s (%s, %s, depuis %s)", s.Poste, s.Utilisateur, s.Programme, s.Debut))
	}
	return out
}

var (
	msgFullCheckOK  = &i18n.Message{ID: "ServiceControleCompletOK", Other: "contrôle complet (hebdomadaire) réussi"}
	msgFullCheckBad = &i18n.Message{ID: "ServiceControleCompletEchec", Other: "contrôle complet (hebdomadaire) ÉCHOUÉ : {{.Detail}}"}
	msgOutboxSent   = &i18n.Message{ID: "ServiceEnAttenteEnvoyee", Other: "envoyée avec retard (faite quand la destination distante était injoignable) : {{.Name}} — {{.Status}}"}
	msgRecheckOK    = &i18n.Message{ID: "ServiceRelueOK", Other: "copie distante plus ancienne relue et intacte : {{.Name}}"}
	msgRecheckBad   = &i18n.Message{ID: "ServiceRelueEchec", Other: "copie distante plus ancienne « {{.Name}} » endommagée : {{.Detail}}"}
)

func (e *Engine) finishEntry(rep *Report) {
	ok, failed, flagged := 0, 0, 0
	for _, b := range rep.Backups {
		d := journal.Dossier{Numero: b.Info.Numero, Nom: b.Info.Nom, Motif: string(b.Reason)}
		switch {
		case b.Err != nil:
			failed++
			d.Erreur = i18n.Describe(b.Err)
		default:
			r := b.Result
			d.Fichier, d.Taille, d.SHA256, d.Duree, d.Verifiee = r.Path, r.Size, r.SHA256, r.Duration, r.Verified
			if r.Manifest != nil {
				d.DerniereEcriture = r.Manifest.Stats.LastEntryDate
			}
			d.Sessions = sessionLines(r.Sessions)
			d.Supprimes = append(b.Removed, b.RemoteRemoved...)
			for _, c := range b.Changes {
				d.Changements = append(d.Changements, c.String())
			}
			if c := b.FullCheck; c != nil {
				if c.Err == nil {
					d.Controle = i18n.T(msgFullCheckOK, nil)
				} else {
					d.Controle = i18n.T(msgFullCheckBad, map[string]any{"Detail": i18n.Describe(c.Err)})
				}
			}
			switch {
			case b.FullCheck != nil && b.FullCheck.Err != nil:
				failed++
			case len(b.Changes) > 0:
				flagged++
			default:
				ok++
			}
		}
		if b.Remote != nil {
			d.Distant = remoteVerdict(b.Remote)
			d.DistantValidee = b.Remote.Status == remote.Validated
			d.DureeDistant = b.Remote.Duration
		}
		rep.Entry.Dossiers = append(rep.Entry.Dossiers, d)
	}
	rep.Entry.Messages = append(rep.Entry.Messages, rep.Notes...)
	for _, s := range rep.Outbox {
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.T(msgOutboxSent, map[string]any{"Name": s.Result.Name, "Status": remoteVerdict(&s.Result)}))
	}
	for _, c := range rep.Rechecked {
		if c.Err == nil {
			rep.Entry.Messages = append(rep.Entry.Messages, i18n.T(msgRecheckOK, map[string]any{"Name": c.Name}))
		} else {
			rep.Entry.Messages = append(rep.Entry.Messages, i18n.T(msgRecheckBad, map[string]any{"Name": c.Name, "Detail": i18n.Describe(c.Err)}))
		}
	}
	switch {
	case failed > 0 && ok+flagged == 0:
		rep.Entry.Statut = journal.StatusFailed
	case failed > 0:
		rep.Entry.Statut = journal.StatusPartial
	case flagged > 0:
		rep.Entry.Statut = journal.StatusSuspicious
	case rep.remoteFailed():
		rep.Entry.Statut = journal.StatusRemoteFailed
	default:
		rep.Entry.Statut = journal.StatusOK
	}
}

var (
	msgCopyOK      = &i18n.Message{ID: "ServiceCopieValidee", Other: "copie distante reçue et validée"}
	msgCopyDamaged = &i18n.Message{ID: "ServiceCopieEndommagee", Other: "copie distante reçue endommagée ({{.Detail}})"}
	msgCopyFailed  = &i18n.Message{ID: "ServiceCopieEchouee", Other: "copie distante non envoyée ({{.Detail}})"}
	msgRetried     = &i18n.Message{ID: "ServiceCopieRenvoyee", Other: " après un second envoi"}
)

func remoteVerdict(r *remote.CopyResult) string {
	switch r.Status {
	case remote.Validated:
		s := i18n.T(msgCopyOK, nil)
		if r.Attempts > 1 {
			s += i18n.T(msgRetried, nil)
		}
		return s
	case remote.Damaged:
		return i18n.T(msgCopyDamaged, map[string]any{"Detail": r.Detail})
	}
	return i18n.T(msgCopyFailed, map[string]any{"Detail": r.Detail})
}

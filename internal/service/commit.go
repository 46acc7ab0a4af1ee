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
			rep.note(i18n.NoteOf(err))
		}
	}
	if err := p.reg.save(); err != nil {
		rep.note(i18n.NoteOf(err))
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
		rep.Entry.Note(i18n.NoteOf(err))
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
	msgFullCheckBad = &i18n.Message{ID: "ServiceControleCompletEchec", Other: "contrôle complet (hebdomadaire) ÉCHOUÉ : {{.Detail}}"}
	msgOutboxSent   = &i18n.Message{ID: "ServiceEnAttenteEnvoyee", Other: "envoyée avec retard (faite quand la destination distante était injoignable) : {{.Name}} — {{.Status}}"}
	msgRecheckOK    = &i18n.Message{ID: "ServiceRelueOK", Other: "copie distante plus ancienne relue et intacte : {{.Name}}"}
	msgRecheckBad   = &i18n.Message{ID: "ServiceRelueEchec", Other: "copie distante plus ancienne « {{.Name}} » endommagée : {{.Detail}}"}
)

func (e *Engine) finishEntry(rep *Report) {
	ok, failed, flagged := 0, 0, 0
	for _, b := range rep.Backups {
		d := journal.Dossier{Numero: b.Info.Numero, Nom: b.Info.Nom, Motif: string(b.Reason)}
		switch {
		case b.Err != nil:
			failed++
			n := i18n.NoteOf(b.Err)
			d.Probleme, d.Changements = &n, b.Changes
		default:
			r := b.Result
			d.Fichier, d.Taille, d.SHA256, d.Duree, d.Verifiee = r.Path, r.Size, r.SHA256, r.Duration, r.Verified
			if r.Manifest != nil {
				d.DerniereEcriture = r.Manifest.Stats.LastEntryDate
			}
			d.Sessions = sessionLines(r.Sessions)
			d.Supprimes = append(b.Removed, b.RemoteRemoved...)
			d.Changements = b.Changes
			if c := b.FullCheck; c != nil {
				n := i18n.NewNote(msgFullCheckOK, nil)
				if c.Err != nil {
					n = i18n.NewNote(msgFullCheckBad, map[string]any{"Detail": i18n.Describe(c.Err)})
				}
				d.Controle = &n
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
			n := copyNote(b.Remote)
			d.Copie = &n
			d.DistantValidee = b.Remote.Status == remote.Validated
			d.DureeDistant = b.Remote.Duration
		}
		rep.Entry.Dossiers = append(rep.Entry.Dossiers, d)
	}
	rep.Entry.Remarques = append(rep.Entry.Remarques, rep.Notes...)
	for _, s := range rep.Outbox {
		rep.Entry.Note(i18n.NewNote(msgOutboxSent, map[string]any{"Name": s.Result.Name, "Status": remoteVerdict(&s.Result)}))
	}
	for _, c := range rep.Rechecked {
		if c.Err == nil {
			rep.Entry.Note(i18n.NewNote(msgRecheckOK, map[string]any{"Name": c.Name}))
		} else {
			rep.Entry.Note(i18n.NewNote(msgRecheckBad, map[string]any{"Name": c.Name, "Detail": i18n.Describe(c.Err)}))
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
	msgCopyRetried = &i18n.Message{ID: "ServiceCopieValideeRenvoyee", Other: "copie distante reçue et validée après un second envoi"}
	msgCopyResumed = &i18n.Message{ID: "ServiceCopieValideeReprise", Other: "copie distante reçue et validée (envoi interrompu repris à {{.Offset}} sur {{.Size}})"}
	msgCopyDamaged = &i18n.Message{ID: "ServiceCopieEndommagee", Other: "copie distante reçue endommagée ({{.Detail}})"}
	msgCopyFailed  = &i18n.Message{ID: "ServiceCopieEchouee", Other: "copie distante non envoyée ({{.Detail}})"}
)

// copyNote is the verdict on one offsite copy.
func copyNote(r *remote.CopyResult) i18n.Note {
	switch {
	case r.Status == remote.Validated && r.Resumed > 0:
		return i18n.NewNote(msgCopyResumed, map[string]any{"Offset": i18n.BytesArg(r.Resumed), "Size": i18n.BytesArg(r.Size)})
	case r.Status == remote.Validated && r.Attempts > 1:
		return i18n.NewNote(msgCopyRetried, nil)
	case r.Status == remote.Validated:
		return i18n.NewNote(msgCopyOK, nil)
	case r.Status == remote.Damaged:
		return i18n.NewNote(msgCopyDamaged, map[string]any{"Detail": r.Detail})
	}
	return i18n.NewNote(msgCopyFailed, map[string]any{"Detail": r.Detail})
}

func remoteVerdict(r *remote.CopyResult) string { return copyNote(r).String() }

package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var (
	msgSessTitle    = &i18n.Message{ID: "UISessionsTitre", Other: "Programmes ouverts sur les dossiers"}
	msgSessDossier  = &i18n.Message{ID: "UISessionsDossier", Other: "Dossier {{.Dossier}} : {{.Sessions}}."}
	msgSessBlocks   = &i18n.Message{ID: "UISessionsBloquent", Other: "Fermez ces programmes avant de lancer l'opération : ce qu'ils écriraient pendant qu'elle modifie le dossier pourrait être perdu. Ou confirmez-la malgré tout."}
	msgSessWarn     = &i18n.Message{ID: "UISessionsSauvegarde", Other: "La copie sera cohérente, mais ne contiendra pas ce que ces programmes n'ont pas encore enregistré."}
	msgSessConfirm  = &i18n.Message{ID: "UISessionsConfirmer", Other: "Confirmer l'opération malgré les programmes ouverts"}
	msgSessNeedConf = &i18n.Message{ID: "UISessionsConfirmerRequis", Other: "Des programmes sont ouverts sur le dossier : fermez-les, ou cochez « Confirmer l'opération malgré les programmes ouverts »."}
	msgSessUnread   = &i18n.Message{ID: "UISessionsIllisibles", Other: "Dossier {{.Dossier}} : impossible de lire les programmes ouverts ({{.Error}})."}
)

// sessionTargets are the dossiers whose sessions matter to the chosen
// operation, and whether it changes them (then a live session blocks it
// unless confirmed: dossier.SessionPolicy); the others only warn.
func sessionTargets(w *wizard) (numeros []string, changes bool) {
	o := &w.opts
	switch w.op().id {
	case "restauration":
		if w.plan != nil && w.plan.Replaces != nil {
			return []string{w.plan.Numero}, true
		}
		return nil, false
	case "desarchivage", "transfert-reception":
		if o.Numero == "" {
			return nil, false
		}
		return []string{o.Numero}, true
	case "archivage", "decoupe":
		return o.Dossiers, true
	case "verification", "contenu":
		return nil, false
	}
	return o.Dossiers, false
}

// dossierSessions is what the sessions table of one chosen dossier lists,
// as the policy sees it.
type dossierSessions struct {
	label  string
	states []dossier.SessionState
	err    error
}

// listedSessions reads the sessions of the dossiers the operation works on
// (only those that list some, or cannot be read).
func listedSessions(w *wizard) ([]dossierSessions, bool) {
	numeros, changes := sessionTargets(w)
	if w.store == nil {
		return nil, changes
	}
	policy := dossier.SessionPolicy{Confirm: w.opts.IgnoreSessions, Idle: sessionIdle(), Now: w.now}
	var out []dossierSessions
	for _, n := range numeros {
		d := dossierSessions{label: w.info(n).Label()}
		if d.label == "" {
			d.label = n
		}
		ss, err := readSessions(w.store, n)
		if err != nil {
			d.err = err
		} else if len(ss) > 0 {
			d.states = policy.Classify(ss)
		} else {
			continue
		}
		out = append(out, d)
	}
	return out, changes
}

func readSessions(s store.Store, numero string) ([]dossier.Session, error) {
	ctx := context.Background()
	snap, err := store.InStore(s, numero).Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return snap.Sessions(ctx)
}

// sessionIdle is when a listed session counts as closed: coffre.toml's
// [sessions] inactive_apres_heures, as for the command line.
func sessionIdle() time.Duration {
	c, err := config.Load(config.DefaultPath())
	if err != nil {
		return config.Default().Sessions.Idle()
	}
	return c.Sessions.Idle()
}

// live reports whether a listed session blocks a change.
func live(list []dossierSessions) bool {
	for _, d := range list {
		for _, s := range d.states {
			if s.Live {
				return true
			}
		}
	}
	return false
}

// sessionsView is the Résumé's part on the programs open on the chosen
// dossiers: each listed session (« probablement fermée (dernière activité
// le …) » when it is old), and, when a live one blocks a change, the check
// box that confirms the operation all the same (--ignorer-sessions). nil
// when no chosen dossier lists a session.
func sessionsView(w *wizard) fyne.CanvasObject {
	list, changes := listedSessions(w)
	if len(list) == 0 {
		return nil
	}
	box := container.NewVBox(widget.NewSeparator(), fieldTitle(i18n.T(msgSessTitle, nil)))
	for _, d := range list {
		if d.err != nil {
			box.Add(warnLabel(i18n.T(msgSessUnread, map[string]any{"Dossier": d.label, "Error": i18n.Describe(d.err)})))
			continue
		}
		var texts []string
		for _, s := range d.states {
			texts = append(texts, s.String())
		}
		line := wrapLabel(i18n.T(msgSessDossier, map[string]any{"Dossier": d.label, "Sessions": strings.Join(texts, " ; ")}))
		box.Add(line)
	}
	if !live(list) {
		return box
	}
	if !changes {
		box.Add(lowLabel(i18n.T(msgSessWarn, nil)))
		return box
	}
	box.Add(warnLabel(i18n.T(msgSessBlocks, nil)))
	confirm := widget.NewCheck(i18n.T(msgSessConfirm, nil), func(on bool) { w.opts.IgnoreSessions = on })
	confirm.SetChecked(w.opts.IgnoreSessions)
	box.Add(confirm)
	return box
}

// sessionsValidate refuses « Lancer » while a live session blocks the
// change and the user has not confirmed: said here, before anything runs,
// rather than by the engine once the work has started.
func sessionsValidate(w *wizard) error {
	if w.opts.IgnoreSessions {
		return nil
	}
	list, changes := listedSessions(w)
	if changes && live(list) {
		return i18n.E(msgSessNeedConf, nil, nil)
	}
	return nil
}

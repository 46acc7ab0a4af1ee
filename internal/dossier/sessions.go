package dossier

import (
	"strings"
	"time"

	"coffre/internal/i18n"
)

// DefaultSessionIdle is how long a session listed in a dossier's sessions
// table may go without activity before it is taken as probably closed: the
// management software writes derniere_activite as it works, and a program
// that crashed or a workstation switched off leaves its row behind.
const DefaultSessionIdle = 12 * time.Hour

var (
	msgSessionsOpen = &i18n.Message{ID: "SessionsOuvertesPolitique", Other: "Le dossier {{.Dossier}} est ouvert : {{.Sessions}}. Fermez ces programmes avant de le modifier (ce qu'ils écriraient pendant l'opération pourrait être perdu), ou confirmez l'opération malgré tout — en ligne de commande : --ignorer-sessions."}
	msgSessionLive  = &i18n.Message{ID: "SessionActive", Other: "{{.Programme}} sur {{.Poste}} ({{.Utilisateur}}, dernière activité le {{.Derniere}})"}
	msgSessionStale = &i18n.Message{ID: "SessionProbablementFermee", Other: "{{.Programme}} sur {{.Poste}} ({{.Utilisateur}}) : probablement fermée (dernière activité le {{.Derniere}})"}
	msgSessionNoTS  = &i18n.Message{ID: "SessionSansActivite", Other: "{{.Programme}} sur {{.Poste}} ({{.Utilisateur}}, dernière activité inconnue : « {{.Derniere}} »)"}
	noteStale       = &i18n.Message{ID: "NoteSessionsFermees", One: "{{.Count}} session listée dans le dossier {{.Dossier}} est probablement fermée et n'a pas empêché l'opération : {{.Sessions}}.", Other: "{{.Count}} sessions listées dans le dossier {{.Dossier}} sont probablement fermées et n'ont pas empêché l'opération : {{.Sessions}}."}
	noteConfirmed   = &i18n.Message{ID: "NoteSessionsConfirmees", Other: "Le dossier {{.Dossier}} était ouvert ({{.Sessions}}) : l'opération a été faite sur confirmation."}
	noteOpenBackup  = &i18n.Message{ID: "NoteSessionsSauvegarde", Other: "Le dossier {{.Dossier}} était ouvert pendant l'opération ({{.Sessions}}) : la copie est cohérente, mais ne contient pas ce qui n'était pas encore enregistré."}
)

// SessionPolicy is the one rule for the programs a dossier's sessions table
// lists. An operation that changes the dossier (restore over it, archive,
// import d'archive, cut, transfer import, export over an earlier export)
// is refused while a live session is listed, unless the user confirmed;
// a session idle for longer than Idle is « probablement fermée » and does
// not block; an operation that only reads (a backup, an export) only warns.
type SessionPolicy struct {
	// Idle is the idle time after which a session is taken as closed;
	// 0 means DefaultSessionIdle.
	Idle time.Duration
	// Confirm: the user confirmed the operation despite live sessions
	// (--ignorer-sessions, or the wizard's confirmation).
	Confirm bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SessionState is one listed session as the policy sees it.
type SessionState struct {
	Session
	// Last is derniere_activite read as a local time; zero when the
	// dossier's text is not a date (such a session counts as live).
	Last time.Time
	// Live: the session blocks a change (recent activity, or unknown).
	Live bool
}

// String describes the session for a person: program, workstation, user
// and last activity, « probablement fermée » when it is stale.
func (s SessionState) String() string {
	data := map[string]any{"Programme": s.Programme, "Poste": s.Poste, "Utilisateur": s.Utilisateur, "Derniere": s.DerniereActivite}
	switch {
	case s.Last.IsZero():
		return i18n.T(msgSessionNoTS, data)
	case !s.Live:
		data["Derniere"] = i18n.DateTime(s.Last)
		return i18n.T(msgSessionStale, data)
	}
	data["Derniere"] = i18n.DateTime(s.Last)
	return i18n.T(msgSessionLive, data)
}

// Classify says, for each listed session, whether it is live.
func (p SessionPolicy) Classify(ss []Session) []SessionState {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	idle := p.Idle
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	t := now()
	out := make([]SessionState, len(ss))
	for i, s := range ss {
		st := SessionState{Session: s, Live: true}
		if last, ok := parseActivity(s.DerniereActivite); ok {
			st.Last = last
			// A clock set back makes the last activity lie in the future:
			// live, the safe side.
			st.Live = t.Sub(last) <= idle
		}
		out[i] = st
	}
	return out
}

// Check is what an operation that changes dossier label calls with the
// sessions its table lists, before it changes anything: an error wrapping
// ErrInUse that names each live session's workstation and program, unless
// there is none or the user confirmed; and the notes the result carries
// (sessions set aside as probably closed, live ones confirmed).
func (p SessionPolicy) Check(label string, ss []Session) ([]i18n.Note, error) {
	live, stale := split(p.Classify(ss))
	var notes []i18n.Note
	if len(stale) > 0 {
		notes = append(notes, i18n.NewNote(noteStale, map[string]any{"Dossier": label, "Count": len(stale), "Sessions": strings.Join(stale, " ; ")}))
	}
	if len(live) == 0 {
		return notes, nil
	}
	if !p.Confirm {
		return notes, i18n.E(msgSessionsOpen, map[string]any{"Dossier": label, "Sessions": strings.Join(live, " ; ")}, ErrInUse)
	}
	return append(notes, i18n.NewNote(noteConfirmed, map[string]any{"Dossier": label, "Sessions": strings.Join(live, " ; ")})), nil
}

// Warn is what an operation that only reads the dossier (a backup, an
// export) calls: a note when a live session was listed, nothing else.
func (p SessionPolicy) Warn(label string, ss []Session) []i18n.Note {
	live, _ := split(p.Classify(ss))
	if len(live) == 0 {
		return nil
	}
	return []i18n.Note{i18n.NewNote(noteOpenBackup, map[string]any{"Dossier": label, "Sessions": strings.Join(live, " ; ")})}
}

func split(states []SessionState) (live, stale []string) {
	for _, s := range states {
		if s.Live {
			live = append(live, s.String())
		} else {
			stale = append(stale, s.String())
		}
	}
	return live, stale
}

// activityLayouts are the ways management programs write a timestamp.
var activityLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}

func parseActivity(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range activityLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

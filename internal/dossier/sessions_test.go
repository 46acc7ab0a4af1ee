package dossier_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"coffre/internal/dossier"
)

// TestSessionPolicy: live within the idle time, « probablement fermée »
// beyond it; a date that is not one, or one in the future (a clock set
// back), counts as live; the confirmation turns the refusal into a note;
// a read only warns about live sessions.
func TestSessionPolicy(t *testing.T) {
	now := time.Date(2026, 12, 4, 18, 0, 0, 0, time.Local)
	at := func(d time.Duration) string { return now.Add(-d).Format("2006-01-02T15:04:05") }
	s := func(poste, last string) dossier.Session {
		return dossier.Session{Poste: poste, Utilisateur: "Marie", Programme: "Compta", DerniereActivite: last}
	}
	p := dossier.SessionPolicy{Now: func() time.Time { return now }}
	states := p.Classify([]dossier.Session{
		s("P1", at(11*time.Hour)), s("P2", at(13*time.Hour)), s("P3", "hier soir"), s("P4", at(-2*time.Hour)),
		s("P5", now.Add(-20*time.Hour).Format(time.RFC3339)), s("P6", now.Add(-time.Minute).Format("2006-01-02 15:04:05.000")), s("P7", "2025-11-21"),
	})
	var live []string
	for _, st := range states {
		if st.Live {
			live = append(live, st.Poste)
		}
	}
	if strings.Join(live, ",") != "P1,P3,P4,P6" {
		t.Fatalf("live %v", live)
	}
	if got := states[1].String(); got != "Compta sur P2 (Marie) : probablement fermée (dernière activité le 04/12/2026 05:00)" {
		t.Fatalf("stale: %q", got)
	}
	if got := states[2].String(); !strings.Contains(got, "dernière activité inconnue : « hier soir »") {
		t.Fatalf("unknown: %q", got)
	}

	open := []dossier.Session{s("POSTE-2", at(time.Minute)), s("POSTE-3", at(3*24*time.Hour))}
	notes, err := p.Check("001SOC", open)
	if !errors.Is(err, dossier.ErrInUse) || !strings.Contains(err.Error(), "Compta sur POSTE-2 (Marie, dernière activité le 04/12/2026 17:59)") ||
		strings.Contains(err.Error(), "POSTE-3") || !strings.Contains(err.Error(), "--ignorer-sessions") {
		t.Fatalf("check: %v", err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0].String(), "1 session listée dans le dossier 001SOC est probablement fermée") {
		t.Fatalf("notes %v", notes)
	}
	p.Confirm = true
	notes, err = p.Check("001SOC", open)
	if err != nil || len(notes) != 2 || !strings.Contains(notes[1].String(), "sur confirmation") {
		t.Fatalf("confirmed: %v %v", notes, err)
	}
	p.Confirm, p.Idle = false, 100*time.Hour
	if _, err := p.Check("001SOC", open); !errors.Is(err, dossier.ErrInUse) || !strings.Contains(err.Error(), "POSTE-3") {
		t.Fatalf("idle time of 100 h: %v", err)
	}
	p.Idle = 0
	if notes := p.Warn("001SOC", open); len(notes) != 1 || !strings.Contains(notes[0].String(), "POSTE-2") || strings.Contains(notes[0].String(), "POSTE-3") {
		t.Fatalf("warn %v", notes)
	}
	if notes, err := p.Check("001SOC", nil); err != nil || notes != nil {
		t.Fatalf("no session: %v %v", notes, err)
	}
}

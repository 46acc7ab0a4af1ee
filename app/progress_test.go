package app

import (
	"testing"
	"time"

	"coffre/internal/dossier"
)

// backupEvents are one dossier's events in a backup with « Vérifier
// après »: compressed, re-read, then verified and checked.
func backupEvents() []dossier.Event {
	var out []dossier.Event
	for _, ph := range []dossier.Phase{dossier.PhaseCompression, dossier.PhaseVerification, dossier.PhaseVerification} {
		for d := int64(0); d <= 100; d += 10 {
			out = append(out, dossier.Event{Phase: ph, Done: d, Total: 100})
		}
	}
	return append(out, dossier.Event{Phase: dossier.PhaseControle}, dossier.Event{Phase: dossier.PhaseControle, Done: 1, Total: 1})
}

func TestProgressBarNeverGoesBackAcrossPhasesAndDossiers(t *testing.T) {
	rs := newRunState()
	var last float64
	var seen []float64
	for i := range 2 {
		rs.started(i, 2, "dossier")
		for _, e := range backupEvents() {
			rs.report(e)
			v, _ := rs.fraction.Get()
			if v < last {
				t.Fatalf("the bar went back from %.0f %% to %.0f %% (dossier %d, %s %d/%d); values %v", last*100, v*100, i+1, e.Phase, e.Done, e.Total, seen)
			}
			last = v
			seen = append(seen, v)
		}
		if v, _ := rs.fraction.Get(); i == 0 && (v < 0.4 || v > 0.5) {
			t.Errorf("after the first of two dossiers the bar is at %.0f %%, want about half", v*100)
		}
	}
	if last < 0.9 {
		t.Errorf("the bar ends at %.0f %%", last*100)
	}
}

func TestRemainingTimeKeptAcrossPhases(t *testing.T) {
	rs := newRunState()
	clock := time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC)
	rs.now = func() time.Time { return clock }
	rs.model = newProgressModel(clock)
	rs.started(0, 1, "001 SOC")
	for _, e := range backupEvents() {
		clock = clock.Add(time.Second)
		rs.report(e)
		got, _ := rs.remaining.Get()
		if e.Phase != dossier.PhaseCompression && got == "Temps restant : estimation…" {
			t.Fatalf("the estimate is lost when %s starts", e.Phase)
		}
	}
}

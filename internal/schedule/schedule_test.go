package schedule

import (
	"context"
	"testing"
	"time"
)

func at(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.Local) } // 2 March 2026 is a Monday

func TestSlots(t *testing.T) {
	weekdays := Plan{Daily: true, Hour: 21, Minute: 30, Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}}
	for _, c := range []struct {
		now        time.Time
		last, next time.Time
	}{
		{at(2, 21, 29), time.Date(2026, 2, 27, 21, 30, 0, 0, time.Local), at(2, 21, 30)}, // the Friday before
		{at(2, 21, 30), at(2, 21, 30), at(3, 21, 30)},
		{at(7, 10, 0), at(6, 21, 30), at(9, 21, 30)},
	} {
		if got := weekdays.LastSlot(c.now); !got.Equal(c.last) {
			t.Errorf("LastSlot(%s) = %s, want %s", c.now, got, c.last)
		}
		if got := weekdays.NextSlot(c.now); !got.Equal(c.next) {
			t.Errorf("NextSlot(%s) = %s, want %s", c.now, got, c.next)
		}
	}
}

func TestDue(t *testing.T) {
	p := Plan{Daily: true, Hour: 21, Minute: 30}
	st := State{Dossiers: map[string]DossierState{}}
	// No run recorded and the time is past: the missed run is due.
	got, slot := Due(context.Background(), p, st, at(3, 8, 0), []string{"001"}, nil)
	if len(got) != 1 || got[0].Reason != ReasonMissed || !slot.Equal(at(2, 21, 30)) {
		t.Fatalf("missed: %+v %s", got, slot)
	}
	st.SlotDone = slot
	if got, _ := Due(context.Background(), p, st, at(3, 9, 0), []string{"001"}, nil); len(got) != 0 {
		t.Errorf("handled slot due again: %+v", got)
	}
	if got, _ := Due(context.Background(), p, st, at(3, 21, 35), []string{"001"}, nil); len(got) != 1 || got[0].Reason != ReasonDaily {
		t.Errorf("on time: %+v", got)
	}

	every := Plan{EveryNDays: 3}
	st = State{Dossiers: map[string]DossierState{"001": {LastBackup: at(1, 12, 0)}}}
	if got, _ := Due(context.Background(), every, st, at(4, 11, 59), []string{"001", "002"}, nil); len(got) != 1 || got[0].Numero != "002" || got[0].Reason != ReasonNeverRun {
		t.Errorf("every 3 days, before: %+v", got)
	}
	if got, _ := Due(context.Background(), every, st, at(4, 12, 0), []string{"001"}, nil); len(got) != 1 || got[0].Reason != ReasonEveryN {
		t.Errorf("every 3 days, at: %+v", got)
	}

	entries := Plan{AfterNEntries: 50}
	st = State{Dossiers: map[string]DossierState{"001": {MaxEntryID: 1000}}}
	count := func(n int64) Counter {
		return func(_ context.Context, _ string, since int64) (int64, int64, bool, error) {
			return n, since + n, true, nil
		}
	}
	if got, _ := Due(context.Background(), entries, st, at(3, 9, 0), []string{"001"}, count(49)); len(got) != 0 {
		t.Errorf("49 entries: %+v", got)
	}
	if got, _ := Due(context.Background(), entries, st, at(3, 9, 0), []string{"001"}, count(50)); len(got) != 1 || got[0].Reason != ReasonEntries || got[0].MaxEntryID != 1050 {
		t.Errorf("50 entries: %+v", got)
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st := State{SlotDone: at(2, 21, 30), Dossiers: map[string]DossierState{"001": {LastBackup: at(2, 21, 31), MaxEntryID: 7}}}
	if err := st.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(dir)
	if err != nil || !got.SlotDone.Equal(st.SlotDone) || got.Dossiers["001"].MaxEntryID != 7 {
		t.Errorf("%+v %v", got, err)
	}
}

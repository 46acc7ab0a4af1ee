package batch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/crash"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

func TestMain(m *testing.M) {
	dir, _ := os.MkdirTemp("", "coffre-batch")
	os.Setenv("COFFRE_DATA", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var msgNothing = &i18n.Message{ID: "TestRien", Other: "rien à faire"}

func items(keys ...string) []batch.Item {
	var out []batch.Item
	for _, k := range keys {
		out = append(out, batch.Item{Key: k, Label: "dossier " + k})
	}
	return out
}

// TestOutcomes: each kind of answer of an operation gives its status, and
// one item's failure or refusal does not stop the others.
func TestOutcomes(t *testing.T) {
	do := func(ctx context.Context, it batch.Item, p dossier.Progress) (string, error) {
		switch it.Key {
		case "refuse":
			return "", fmt.Errorf("lock %s: %w", it.Key, dossier.ErrInUse)
		case "echec":
			return "", errors.New("disk on fire")
		case "rien":
			return "", i18n.E(msgNothing, nil, batch.ErrNothingToDo)
		}
		return "ok " + it.Key, nil
	}
	var finished []batch.Status
	res := batch.Run(context.Background(), items("1", "refuse", "echec", "rien", "2"), do, batch.Options[string]{
		Finished: func(i, total int, o batch.Outcome[string]) { finished = append(finished, o.Status) },
	})
	want := []batch.Status{batch.Done, batch.Refused, batch.Failed, batch.Skipped, batch.Done}
	if len(res.Outcomes) != len(want) {
		t.Fatalf("%d outcomes, want %d", len(res.Outcomes), len(want))
	}
	for i, o := range res.Outcomes {
		if o.Status != want[i] || finished[i] != want[i] {
			t.Errorf("item %s: %s (told %s), want %s", o.Item.Key, o.Status, finished[i], want[i])
		}
	}
	if got := res.Done(); len(got) != 2 || got[1] != "ok 2" {
		t.Errorf("Done() = %q", got)
	}
	err := res.Err()
	if !errors.Is(err, batch.ErrPartial) || !errors.Is(err, dossier.ErrInUse) {
		t.Errorf("Err() loses the partial mark or the first cause: %v", err)
	}
	if s := i18n.Describe(err); !strings.Contains(s, "2 sur 5") || !strings.Contains(s, "dossier refuse") {
		t.Errorf("summary %q does not count or name the first problem", s)
	}
}

// TestNothingToDoIsNotAFailure: a run whose items all had nothing to do
// is a success (#13: archiver --dossier 2,3 must not exit 1 for that).
func TestNothingToDoIsNotAFailure(t *testing.T) {
	res := batch.Run(context.Background(), items("2", "3"), func(ctx context.Context, it batch.Item, p dossier.Progress) (int, error) {
		return 0, i18n.E(msgNothing, nil, batch.ErrNothingToDo)
	}, batch.Options[int]{})
	if err := res.Err(); err != nil || res.Count(batch.Skipped) != 2 {
		t.Fatalf("Err() = %v, skipped %d", err, res.Count(batch.Skipped))
	}
}

// TestSingleItemKeepsItsError: with one item the run's error is the item's
// own, not a summary.
func TestSingleItemKeepsItsError(t *testing.T) {
	cause := fmt.Errorf("open x: %w", dossier.ErrCorrupt)
	res := batch.Run(context.Background(), items("1"), func(ctx context.Context, it batch.Item, p dossier.Progress) (int, error) {
		return 0, cause
	}, batch.Options[int]{})
	if err := res.Err(); err != cause || errors.Is(err, batch.ErrPartial) {
		t.Fatalf("Err() = %v, want the item's own error", err)
	}
}

// TestCancelStops: a cancellation during one item stops the run there:
// that item has no outcome and the next ones never start.
func TestCancelStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var started []string
	res := batch.Run(ctx, items("1", "2", "3"), func(ctx context.Context, it batch.Item, p dossier.Progress) (int, error) {
		if it.Key == "2" {
			cancel()
			return 0, fmt.Errorf("backup 2: %w", ctx.Err())
		}
		return 1, nil
	}, batch.Options[int]{Started: func(i, total int, it batch.Item) { started = append(started, it.Key) }})
	if !res.Canceled || len(res.Outcomes) != 1 || strings.Join(started, ",") != "1,2" {
		t.Fatalf("canceled=%v outcomes=%d started=%v", res.Canceled, len(res.Outcomes), started)
	}
	if !errors.Is(res.Err(), context.Canceled) {
		t.Fatalf("Err() = %v, want the cancellation", res.Err())
	}
}

// TestPanicIsAnInternalError: a panic in one item's operation becomes that
// item's « Erreur interne » with a crash report, and the others go on.
func TestPanicIsAnInternalError(t *testing.T) {
	res := batch.Run(context.Background(), items("1", "2"), func(ctx context.Context, it batch.Item, p dossier.Progress) (int, error) {
		if it.Key == "1" {
			var m map[string]int
			//lint:ignore SA5000 the panic is the point
			m["boom"]++ // a real runtime panic: assignment to a nil map
		}
		return 2, nil
	}, batch.Options[int]{})
	if len(res.Outcomes) != 2 || res.Outcomes[0].Status != batch.Failed || res.Outcomes[1].Status != batch.Done {
		t.Fatalf("outcomes %+v", res.Outcomes)
	}
	err := res.Outcomes[0].Err
	if !errors.Is(err, crash.ErrInternal) {
		t.Fatalf("panic not an internal error: %v", err)
	}
	file := crash.ReportFile(err)
	b, rerr := os.ReadFile(file)
	if rerr != nil || !strings.Contains(string(b), "assignment to entry in nil map") || !strings.Contains(string(b), "batch_test.go") {
		t.Fatalf("crash report %q: %v\n%s", file, rerr, b)
	}
	if s := i18n.Describe(err); !strings.Contains(s, "Erreur interne") || !strings.Contains(s, file) {
		t.Errorf("message %q does not say internal error or name the report", s)
	}
}

// TestProgressOverall: events carry the item's index, and the overall
// fraction grows from item to item.
func TestProgressOverall(t *testing.T) {
	var fractions []float64
	batch.Run(context.Background(), items("1", "2"), func(ctx context.Context, it batch.Item, p dossier.Progress) (int, error) {
		p.Report(dossier.Event{Phase: dossier.PhaseLecture, Done: 50, Total: 100})
		p.Report(dossier.Event{Phase: dossier.PhaseLecture, Done: 100, Total: 100})
		return 0, nil
	}, batch.Options[int]{Progress: func(s batch.Step) { fractions = append(fractions, s.Fraction()) }})
	want := []float64{0.25, 0.5, 0.75, 1}
	if fmt.Sprint(fractions) != fmt.Sprint(want) {
		t.Fatalf("fractions %v, want %v", fractions, want)
	}
}

// TestBackupRun drives the runner with the real backup over real SQLite
// dossiers: a missing dossier is refused, a locked one refused, the others
// are backed up; cancelled on the second, nothing of it is left.
func TestBackupRun(t *testing.T) {
	conn, dest := t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	dossiertest.BuildV1(t, filepath.Join(conn, "002DEUX.db"), dossiertest.WithNumero("002"), dossiertest.WithNom("DEUX"))
	s, err := sqlitestore.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	do := func(ctx context.Context, it batch.Item, p dossier.Progress) (backup.Result, error) {
		return backup.Run(ctx, backup.Request{Source: store.InStore(s, it.Key), DestDir: dest, Verify: true, Progress: p})
	}
	unlock, err := store.InStore(s, "002").Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := batch.Run(context.Background(), items("001", "009", "002"), do, batch.Options[backup.Result]{})
	unlock()
	got := []batch.Status{res.Outcomes[0].Status, res.Outcomes[1].Status, res.Outcomes[2].Status}
	if fmt.Sprint(got) != fmt.Sprint([]batch.Status{batch.Done, batch.Refused, batch.Refused}) {
		t.Fatalf("statuses %v (errors %v, %v)", got, res.Outcomes[1].Err, res.Outcomes[2].Err)
	}
	if _, err := os.Stat(res.Outcomes[0].Result.Path); err != nil {
		t.Fatalf("backup of 001 not written: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	res = batch.Run(ctx, items("001", "002"), do, batch.Options[backup.Result]{Progress: func(st batch.Step) {
		if st.Index == 1 && st.Event.Phase == dossier.PhaseCompression {
			cancel()
		}
	}})
	if !res.Canceled || len(res.Outcomes) != 1 {
		t.Fatalf("canceled=%v outcomes=%d", res.Canceled, len(res.Outcomes))
	}
	names, _ := filepath.Glob(filepath.Join(dest, "*"))
	for _, n := range names {
		if strings.Contains(filepath.Base(n), "002-DEUX") { // its backup or temp file, not a time like _0027
			t.Errorf("cancelled backup of 002 left %s", n)
		}
	}
}

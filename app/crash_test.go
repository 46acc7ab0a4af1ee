package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"coffre/internal/crash"
)

// TestPanicInOperationIsInternalError: a panic in an operation's work
// goroutine ends on the Résultat step as « Erreur interne » with the crash
// report's path, not as a crashed window.
func TestPanicInOperationIsInternalError(t *testing.T) {
	t.Setenv("COFFRE_DATA", t.TempDir())
	w := newTestWizard(t, env(t, "001SOC"))
	op := &operation{id: "test", label: opLabelVerify, run: func(ctx context.Context, j *job) outcome {
		var m map[string]int
		//lint:ignore SA5000 the panic is the point
		m["x"]++
		return outcome{}
	}}
	w.finish(guardedRun(context.Background(), op, &job{}))
	if !errors.Is(w.result.Err, crash.ErrInternal) || crash.ReportFile(w.result.Err) == "" {
		t.Fatalf("result error %v", w.result.Err)
	}
	if got := texts(w.content()); !strings.Contains(got, "Erreur interne") || !strings.Contains(got, crash.ReportFile(w.result.Err)) {
		t.Fatalf("result screen:\n%s", got)
	}
}

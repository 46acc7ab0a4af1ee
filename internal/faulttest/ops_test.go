//go:build unix

package faulttest

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// operation is one row of the matrix: covering a new operation is adding
// a row here (its command line, and which dossier file it may change).
type operation struct {
	name string
	args func(w *world) []string
	// again is what the user runs after a fault (nil: args again); it must
	// succeed and leave the target in its after state.
	again func(w *world) []string
	// target is the dossier file the operation may change (default
	// 001SOC.db); before and after are its acceptable states ("" = absent).
	target        string
	before, after func(w *world) string
	// locks says the operation holds the dossier lock, so that a second
	// Coffre on the same dossier must refuse.
	locks bool
}

func (op operation) targetPath(w *world) string {
	if op.target == "" {
		return w.dossier()
	}
	return filepath.Join(w.conn, op.target)
}

func (op operation) againArgs(w *world) []string {
	if op.again != nil {
		return op.again(w)
	}
	return op.args(w)
}

func unchanged(w *world) string { return w.before }
func restored(w *world) string  { return w.after }
func absent(*world) string      { return "" }

// earlier is the backup every world starts with.
func (w *world) earlier() string { return filepath.Join(w.dest, "001-SOC_20250101_0900.pbf") }

var operations = []operation{
	{
		name: "sauvegarder",
		args: func(w *world) []string {
			return []string{"sauvegarder", "--connexion", w.conn, "--dossier", "1", "--vers", w.dest, "--verifier"}
		},
		before: unchanged, after: unchanged, locks: true,
	},
	{
		name:   "verifier",
		args:   func(w *world) []string { return []string{"verifier", w.earlier(), "--complet"} },
		before: unchanged, after: unchanged,
	},
	{
		name: "restaurer",
		args: func(w *world) []string {
			return []string{"restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--remplacer", "--securite", w.safety}
		},
		before: unchanged, after: restored, locks: true,
	},
	{
		name: "restaurer-nouveau-numero",
		args: func(w *world) []string {
			return []string{"restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--numero", "5", "--securite", w.safety}
		},
		again: func(w *world) []string {
			return []string{"restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--numero", "5", "--remplacer", "--securite", w.safety}
		},
		target: "005SOC.db", before: absent, after: restored, locks: true,
	},
}

// checkAfterFault checks what must hold after any fault in op: the target
// in its before or after state, dossier 001 sound, every backup verifying.
// It returns the state found.
func (op operation) checkAfterFault(w *world) string {
	w.t.Helper()
	target := op.targetPath(w)
	var got string
	if _, err := os.Stat(target); err != nil {
		if op.before(w) != "" && op.after(w) != "" {
			w.t.Fatalf("%s is gone", filepath.Base(target))
		}
	} else {
		got = w.checkDossier(target, op.before(w), op.after(w))
	}
	if target != w.dossier() {
		w.checkDossier(w.dossier(), w.before)
	}
	w.checkBackups(w.dest, w.safety, w.in)
	return got
}

// recover runs what the user runs next, which must succeed, sweep every
// temp file and leave the target in its after state.
func (op operation) recover(w *world) {
	w.t.Helper()
	w.mustRun(op.againArgs(w)...)
	if want := op.after(w); want != "" {
		w.checkDossier(op.targetPath(w), want)
	}
	w.checkBackups(w.dest, w.safety, w.in)
	w.noTemp()
}

var eventCounts sync.Map

// events is how many progress events op sends on a fresh world.
func (op operation) events(t *testing.T) int {
	t.Helper()
	if n, ok := eventCounts.Load(op.name); ok {
		return n.(int)
	}
	w := newWorld(t)
	p := w.start(op.args(w)...)
	if code := p.Wait(); code != 0 {
		t.Fatalf("%s: exit %d\n%s", op.name, code, p.Stderr.String())
	}
	op.checkAfterFault(w)
	eventCounts.Store(op.name, len(p.Events))
	return len(p.Events)
}

// killPoints are the events to kill at: a handful spread over the whole
// operation in make test, every one with COFFRE_LONG=1 (make test-long).
func killPoints(total int) []int {
	if os.Getenv("COFFRE_LONG") != "" {
		out := make([]int, total)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	seen := map[int]bool{}
	var out []int
	for _, n := range []int{1, 2, total / 4, total / 2, 3 * total / 4, total - 1, total} {
		if n >= 1 && n <= total && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

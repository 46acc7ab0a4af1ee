//go:build unix

package faulttest

import "testing"

// TestFaultKill kills each operation (kill -9, the real binary) at its
// N-th progress event, N swept: the target dossier is in its before or
// after state, every backup under a final name verifies, and the next run
// succeeds and sweeps every temp file.
func TestFaultKill(t *testing.T) {
	for _, op := range operations {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel() // the processes wait on fsync: two at a time keep the cores busy
			ref := op.reference(t)
			t.Logf("%s: %d progress events", op.name, ref.events)
			for _, n := range killPoints(ref.events) {
				t.Run("evenement-"+itoa(n), func(t *testing.T) {
					w := op.newWorld(t)
					p := w.start(op.args(w)...)
					if killed, code := p.KillAt(n); !killed {
						t.Fatalf("ended (exit %d) before event %d", code, n)
					}
					state := op.checkAfterFault(w, ref)
					op.recover(w, ref, state)
				})
			}
		})
	}
}

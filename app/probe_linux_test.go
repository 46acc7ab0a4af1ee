package app

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/paths"
)

// A read-only destination is refused as soon as it is chosen, in French,
// under the field (it was accepted at Options and failed at « Lancer »
// with « read-only file system »); the sentence goes once a writable
// folder is chosen; Suivant refuses it too.
func TestDestinationProbedWhenChosen(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	ro := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", ro).Run() })
	old := probeDelay
	probeDelay = 0
	t.Cleanup(func() { probeDelay = old })

	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	next(t, w, stepIdxOptions)
	dest := find(w.content(), func(e *widget.Entry) bool { return e.Text == paths.Backups() })
	dest.SetText(ro)
	if got := texts(w.content()); !strings.Contains(got, "Cet emplacement est en lecture seule") || strings.Contains(got, "read-only") {
		t.Fatalf("read-only destination, before Suivant:\n%s", got)
	}
	next(t, w, stepIdxOptions)
	if !strings.Contains(w.reason.Text, "lecture seule") {
		t.Errorf("Suivant with a read-only destination: %q", w.reason.Text)
	}
	dest.SetText(t.TempDir())
	if got := texts(w.content()); strings.Contains(got, "lecture seule") {
		t.Errorf("the sentence stays once the folder is fixed:\n%s", got)
	}
	next(t, w, stepIdxSummary)
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
)

// TestExitPromptLockout: five wrong codes typed in the exit-time prompt
// lock every code for a while — even the right one is then refused with
// « Trop de codes incorrects », and nothing is backed up — and the lock
// holds for a code given on the command line (quitter --employe).
func TestExitPromptLockout(t *testing.T) {
	conn := env(t, "001SOC")
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	p := newTestExitPrompt(t, conn, "")
	for i := 0; i < employes.MaxFailures; i++ {
		code := find(p.win.Content(), func(e *widget.Entry) bool { return e.Password })
		test.Type(code, "0000")
		test.Tap(button(t, p.win.Content(), "Valider"))
	}
	if !strings.Contains(p.reason.Text, "Trop de codes incorrects") {
		t.Fatalf("after %d wrong codes: %q", employes.MaxFailures, p.reason.Text)
	}
	code := find(p.win.Content(), func(e *widget.Entry) bool { return e.Password })
	test.Type(code, "1234")
	test.Tap(button(t, p.win.Content(), "Valider"))
	if p.closed || !strings.Contains(p.reason.Text, "Trop de codes incorrects") {
		t.Fatalf("right code during the lockout: closed %v, reason %q", p.closed, p.reason.Text)
	}
	// Another exit prompt (the next program closing) with the right code
	// on its command line is locked out too.
	q := newTestExitPrompt(t, conn, "1234")
	if !strings.Contains(q.reason.Text, "Trop de codes incorrects") {
		t.Fatalf("--employe during the lockout: %q\n%s", q.reason.Text, texts(q.win.Content()))
	}
	if len(p.written)+len(q.written) != 0 {
		t.Fatal("a backup was made during the lockout")
	}
}

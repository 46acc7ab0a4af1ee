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
	// The lockout is the exit prompt's: the administrator still opens the
	// configuration meanwhile. Failed before the fix: « Trop de codes
	// incorrects » there too, for five minutes.
	w := newTestWizard(t, conn)
	test.Tap(w.configButton)
	d := overlay(t, w.win)
	test.Type(find(d, func(e *widget.Entry) bool { return e.Password }), "ADMIN")
	test.Tap(button(t, d, "Valider"))
	if got := texts(overlay(t, w.win)); strings.Contains(got, "Trop de codes incorrects") || !strings.Contains(got, "code d'origine ADMIN doit être remplacé") {
		t.Fatalf("configuration after the exit prompt's lockout:\n%s", got)
	}
}

// TestExitPromptSaysWhyWithoutBackupRight: a code without « Sauvegarder »
// (typed, or given by the management software) does not close the prompt
// silently: it says why, and nothing is backed up. Failed before the fix:
// the window closed at once.
func TestExitPromptSaysWhyWithoutBackupRight(t *testing.T) {
	conn := env(t, "001SOC")
	addEmployee(t, "Paul", "5678", employes.Restaurer)
	for _, given := range []string{"", "5678"} {
		p := newTestExitPrompt(t, conn, given)
		if given == "" {
			test.Type(find(p.win.Content(), func(e *widget.Entry) bool { return e.Password }), "5678")
			test.Tap(button(t, p.win.Content(), "Valider"))
		}
		got := texts(p.win.Content())
		if p.closed || !strings.Contains(got, "Paul") || !strings.Contains(got, "« Sauvegarder »") || !strings.Contains(got, "rien n'a été sauvegardé") {
			t.Fatalf("code without the backup right (given %q): closed %v\n%s", given, p.closed, got)
		}
		test.Tap(button(t, p.win.Content(), "Fermer"))
		if !p.closed || len(p.written) != 0 {
			t.Fatalf("after Fermer: closed %v, written %v", p.closed, p.written)
		}
	}
}

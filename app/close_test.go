package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/prefs"
)

// top is the window's topmost overlay (a dialog), or nil.
func top(win fyne.Window) fyne.CanvasObject { return win.Canvas().Overlays().Top() }

// heldWork makes goWork keep the work instead of running it: the test
// runs it (held()) when it wants the operation to go on.
func heldWork(set *func(func())) func() {
	var held func()
	*set = func(f func()) { held = f }
	return func() {
		if held == nil {
			panic("no work started")
		}
		f := held
		held = nil
		f()
	}
}

// toBackupSummary walks a wizard on conn to the Résumé of a backup of every
// dossier into dest.
func toBackupSummary(t *testing.T, w *wizard, dest string) {
	t.Helper()
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	next(t, w, stepIdxSummary)
}

func TestClosingTheWizardDuringARunAsksFirst(t *testing.T) {
	for _, how := range []string{"close box", "Annuler"} {
		t.Run(how, func(t *testing.T) {
			conn := env(t, "001SOC", "002ABC")
			dest := t.TempDir()
			w := newTestWizard(t, conn)
			signedIn(w) // not about rights (rights_test.go)
			toBackupSummary(t, w, dest)
			resume := heldWork(&w.goWork)
			next(t, w, stepIdxRun)
			ask := func() {
				if how == "close box" {
					w.closeRequested()
				} else {
					test.Tap(w.cancel)
				}
			}
			ask()
			d := top(w.win)
			if d == nil || !strings.Contains(texts(d), "Arrêter l'opération ?") {
				t.Fatalf("no question before stopping the run; overlay: %v", d)
			}
			if !w.running || w.closed {
				t.Fatal("the run stopped or the window closed before any answer")
			}
			// « Continuer »: the run goes on and ends normally.
			test.Tap(button(t, d, "Continuer"))
			if top(w.win) != nil {
				t.Fatal("the question stayed open")
			}
			resume()
			if w.cur != stepIdxResult || w.result.Err != nil || w.closed {
				t.Fatalf("after « Continuer »: step %d, err %v, closed %v", w.cur, w.result.Err, w.closed)
			}
			if m, _ := filepath.Glob(filepath.Join(dest, "*.pbf")); len(m) != 2 {
				t.Fatalf("written: %v", dirFiles(t, dest))
			}

			// Again, and this time stop it.
			dest2 := t.TempDir()
			test.Tap(button(t, w.content(), "Nouvelle opération"))
			resume() // the dossiers listed again, off the UI goroutine
			next(t, w, stepIdxDossiers)
			test.Tap(check(t, w.content(), "Tout sélectionner"))
			next(t, w, stepIdxOptions)
			w.opts.DestDir = dest2
			next(t, w, stepIdxSummary)
			resume = heldWork(&w.goWork)
			next(t, w, stepIdxRun)
			ask()
			test.Tap(button(t, top(w.win), "Arrêter l'opération"))
			resume()
			if !i18n.Canceled(w.result.Err) {
				t.Fatalf("confirmed stop: err %v", w.result.Err)
			}
			if closing := how == "close box"; w.closed != closing {
				t.Fatalf("window closed %v after a confirmed stop from the %s", w.closed, how)
			}
			if left := dirFiles(t, dest2); len(left) != 0 {
				t.Fatalf("left behind: %v", left)
			}
		})
	}
}

func TestClosingTheExitPromptLetsTheBackupFinish(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	p := newTestExitPrompt(t, conn, "1234")
	resume := heldWork(&p.goWork)
	test.Tap(button(t, p.win.Content(), "Sauvegarder"))
	if !p.running {
		t.Fatal("backup not running")
	}
	p.closeRequested() // the close box: going home
	d := top(p.win)
	if d == nil || !strings.Contains(texts(d), "la sauvegarde continue") {
		t.Fatalf("no question on closing during the backup: %v", d)
	}
	if p.closed {
		t.Fatal("closed at once")
	}
	test.Tap(button(t, d, "Fermer à la fin"))
	if p.closed || top(p.win) != nil {
		t.Fatalf("closed %v before the end, or the question stayed", p.closed)
	}
	resume()
	if p.err != nil || len(p.written) != 2 {
		t.Fatalf("backup: err %v, written %v", p.err, p.written)
	}
	if !p.closed {
		t.Fatal("the window did not close once the backup succeeded")
	}
}

func TestExitPromptAnnulerAsksBeforeStopping(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	p := newTestExitPrompt(t, conn, "1234")
	resume := heldWork(&p.goWork)
	test.Tap(button(t, p.win.Content(), "Sauvegarder"))
	test.Tap(button(t, p.win.Content(), "Annuler"))
	d := top(p.win)
	if d == nil || !strings.Contains(texts(d), "Arrêter la sauvegarde ?") {
		t.Fatalf("« Annuler » stopped without asking: %v", d)
	}
	test.Tap(button(t, d, "Arrêter la sauvegarde"))
	resume()
	if !i18n.Canceled(p.err) || p.closed {
		t.Fatalf("err %v, closed %v", p.err, p.closed)
	}
	if m, _ := filepath.Glob(filepath.Join(dest, "*", "*.pbf")); len(m) != 0 {
		t.Fatalf("written after a stop before anything ran: %v", m)
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
	"coffre/internal/prefs"
)

// press types key as the window would: to the focused control, else to the
// window's own handler.
func press(win fyne.Window, key fyne.KeyName) {
	e := &fyne.KeyEvent{Name: key}
	c := win.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(e)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(e)
	}
}

func TestEnterIsSuivantWhenTheStepIsValid(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	w := newTestWizard(t, conn)
	press(w.win, fyne.KeyReturn)
	if w.cur != stepIdxOperation {
		t.Fatalf("Enter on Connexion: step %d", w.cur)
	}
	press(w.win, fyne.KeyEnter) // the keypad's
	if w.cur != stepIdxDossiers {
		t.Fatalf("Enter on Opération: step %d", w.cur)
	}
	press(w.win, fyne.KeyReturn) // nothing ticked: refused, with the reason
	if w.cur != stepIdxDossiers || !strings.Contains(w.reason.Text, "Cochez au moins un dossier") {
		t.Fatalf("Enter with no dossier: step %d, reason %q", w.cur, w.reason.Text)
	}
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	press(w.win, fyne.KeyReturn)
	if w.cur != stepIdxOptions {
		t.Fatalf("step %d", w.cur)
	}
	// In an entry too: the focus in the file name must not take Enter.
	w.opts.DestDir = t.TempDir()
	w.show(stepIdxOptions)
	dest := find(w.content(), func(e *widget.Entry) bool { return e.Text == w.opts.DestDir })
	w.win.Canvas().Focus(dest)
	press(w.win, fyne.KeyReturn)
	if w.cur != stepIdxSummary {
		t.Fatalf("Enter in the destination entry: step %d", w.cur)
	}
}

func TestArrowsMoveInTheOperationListWhichIsOneTabStop(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	c := w.win.Canvas()
	// Tab through the window once: the eleven operations are one stop.
	stops, list := 0, 0
	var first fyne.Focusable
	for range 40 {
		c.FocusNext()
		f := c.Focused()
		if f == nil || f == first {
			break
		}
		if first == nil {
			first = f
		}
		stops++
		if _, ok := f.(*radioList); ok {
			list++
		}
	}
	if list != 1 || stops > 8 {
		t.Fatalf("%d Tab stops on Opération, the list %d times (want one stop for the list, 8 at most in all)", stops, list)
	}
	radio := find(w.content(), func(*radioList) bool { return true })
	c.Focus(radio)
	press(w.win, fyne.KeyDown)
	if w.opts.Operation != "restauration" {
		t.Fatalf("Down: operation %q", w.opts.Operation)
	}
	press(w.win, fyne.KeyEnd)
	press(w.win, fyne.KeyUp)
	if w.opts.Operation != operations[len(operations)-2].id {
		t.Fatalf("End, Up: operation %q", w.opts.Operation)
	}
	press(w.win, fyne.KeyHome)
	if w.opts.Operation != "sauvegarde" {
		t.Fatalf("Home: operation %q", w.opts.Operation)
	}
	press(w.win, fyne.KeyReturn) // Enter with the list focused is Suivant
	if w.cur != stepIdxDossiers {
		t.Fatalf("Enter in the list: step %d", w.cur)
	}
}

func TestEscapeClosesTheDialogThenIsAnnuler(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	w := newTestWizard(t, conn)
	signedIn(w)
	press(w.win, fyne.KeyEscape) // Annuler: « Quitter Coffre ? »
	d := top(w.win)
	if d == nil || !strings.Contains(texts(d), "Quitter Coffre ?") {
		t.Fatalf("Escape on Connexion: %v", d)
	}
	press(w.win, fyne.KeyEscape) // closes the question, not the window
	if top(w.win) != nil || w.closed {
		t.Fatalf("second Escape: overlay %v, closed %v", top(w.win), w.closed)
	}
	press(w.win, fyne.KeyReturn) // no dialog left: Enter works again
	if w.cur != stepIdxOperation {
		t.Fatalf("step %d", w.cur)
	}
	// During a run: Escape asks, Escape again lets it go on.
	toDossiersAll := func() {
		next(t, w, stepIdxDossiers)
		test.Tap(check(t, w.content(), "Tout sélectionner"))
		next(t, w, stepIdxOptions)
		w.opts.DestDir = t.TempDir()
		next(t, w, stepIdxSummary)
	}
	toDossiersAll()
	resume := heldWork(&w.goWork)
	press(w.win, fyne.KeyReturn) // « Lancer »
	if w.cur != stepIdxRun {
		t.Fatalf("Enter on Résumé: step %d", w.cur)
	}
	press(w.win, fyne.KeyEscape)
	if d := top(w.win); d == nil || !strings.Contains(texts(d), "Arrêter l'opération ?") {
		t.Fatalf("Escape during the run: %v", d)
	}
	press(w.win, fyne.KeyReturn) // Enter does not answer « Arrêter » for you
	press(w.win, fyne.KeyEscape)
	resume()
	if w.result.Err != nil || w.cur != stepIdxResult {
		t.Fatalf("the run: %v, step %d", w.result.Err, w.cur)
	}
}

func TestExitPromptKeys(t *testing.T) {
	conn := env(t, "001SOC")
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)

	// Escape while typing the code: « Ne pas sauvegarder ».
	p := newTestExitPrompt(t, conn, "")
	press(p.win, fyne.KeyEscape)
	if !p.closed {
		t.Fatal("Escape in the code entry did not close the prompt")
	}

	// Enter on the offer: « Sauvegarder ».
	p = newTestExitPrompt(t, conn, "1234")
	press(p.win, fyne.KeyReturn)
	if p.err != nil || len(p.written) != 1 {
		t.Fatalf("Enter on the offer: err %v, written %v", p.err, p.written)
	}
	press(p.win, fyne.KeyEscape) // the result: Escape is « Fermer »
	if !p.closed {
		t.Fatal("Escape on the result did not close")
	}
}

func TestKeysWhenAFrameButtonHasTheFocus(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	prev := find(w.content(), func(b *keyButton) bool { return b.Text == "Précédent" })
	w.win.Canvas().Focus(prev)
	press(w.win, fyne.KeyEscape)
	if d := top(w.win); d == nil || !strings.Contains(texts(d), "Quitter Coffre ?") {
		t.Fatalf("Escape with « Précédent » focused: %v", d)
	}
	press(w.win, fyne.KeyEscape)
	w.win.Canvas().Focus(prev)
	press(w.win, fyne.KeyReturn) // Enter presses the focused button
	if w.cur != stepIdxConnexion {
		t.Fatalf("Enter on « Précédent »: step %d", w.cur)
	}
}

func TestEscapeFromAnEntryOfAStep(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	filter := find(w.content(), func(e *escEntry) bool { return strings.HasPrefix(e.PlaceHolder, "Filtrer") })
	w.win.Canvas().Focus(filter)
	press(w.win, fyne.KeyEscape)
	if d := top(w.win); d == nil || !strings.Contains(texts(d), "Quitter Coffre ?") {
		t.Fatalf("Escape in the filter: %v", d)
	}
}

// Escape from the other controls of a step (a button, a code entry) and
// from the code dialog's entry: each swallowed it before.
func TestEscapeFromTheOtherControlsOfAStep(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	quitAsked := func(what string) {
		t.Helper()
		d := top(w.win)
		if d == nil || !strings.Contains(texts(d), "Quitter Coffre ?") {
			t.Fatalf("Escape in %s: %v", what, texts(d))
		}
		w.win.Canvas().Overlays().Remove(d)
		w.dialog = nil
	}
	w.win.Canvas().Focus(control(t, w.content(), func(b *widget.Button) bool { return strings.HasPrefix(b.Text, "Parcourir") }))
	press(w.win, fyne.KeyEscape)
	quitAsked("« Parcourir… »")

	kind := find(w.content(), func(r *radioList) bool { return len(r.Options) == 2 })
	kind.SetSelected(kind.Options[1]) // the ODBC server
	w.win.Canvas().Focus(control(t, w.content(), func(e *widget.Entry) bool { return e.Password }))
	press(w.win, fyne.KeyEscape)
	quitAsked("the server's password")

	test.Tap(w.configButton)
	d := overlay(t, w.win)
	if !strings.Contains(texts(d), "Tapez votre code") {
		t.Fatalf("not the code dialog: %s", texts(d))
	}
	press(w.win, fyne.KeyEscape) // the code entry has the focus
	if top(w.win) != nil {
		t.Fatalf("Escape in the code entry left %s", texts(top(w.win)))
	}
}

// control is the control to focus showing a widget T that ok accepts: the
// widget itself, or the one with our keys around it.
func control[T fyne.CanvasObject](t *testing.T, root fyne.CanvasObject, ok func(T) bool) fyne.Focusable {
	t.Helper()
	var found fyne.Focusable
	walk(root, func(o fyne.CanvasObject) {
		if found != nil {
			return
		}
		x, is := o.(T)
		if u, wrapped := o.(interface{ unwrap() fyne.CanvasObject }); wrapped {
			x, is = u.unwrap().(T)
		}
		if is && ok(x) {
			found, _ = o.(fyne.Focusable)
		}
	})
	if found == nil {
		t.Fatal("no such control")
	}
	return found
}

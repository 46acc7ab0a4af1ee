package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
)

// overlay is the dialog on top of the window.
func overlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	return top
}

func TestConfigurationForcesChangingAdminCode(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	test.Tap(w.configButton)
	d := overlay(t, w.win)
	test.Type(find(d, func(e *widget.Entry) bool { return e.Password }), "ADMIN")
	test.Tap(button(t, d, "Valider"))

	d = overlay(t, w.win)
	if !strings.Contains(texts(d), "code d'origine ADMIN doit être remplacé") {
		t.Fatalf("no forced change:\n%s", texts(d))
	}
	if w.configWindow != nil {
		t.Fatal("configuration opened before the default code was changed")
	}
	var entries []*widget.Entry
	walk(d, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			entries = append(entries, e)
		}
	})
	if len(entries) != 2 {
		t.Fatalf("%d code entries", len(entries))
	}
	test.Type(entries[0], "ADMIN")
	test.Type(entries[1], "ADMIN")
	test.Tap(button(t, d, "Valider"))
	if !strings.Contains(texts(d), "choisissez-en un autre") || w.configWindow != nil {
		t.Fatalf("default code accepted as the new one:\n%s", texts(d))
	}
	for _, e := range entries {
		e.SetText("")
		test.Type(e, "s3cret!")
	}
	test.Tap(button(t, d, "Valider"))
	if w.configWindow == nil {
		t.Fatal("configuration not opened after the change")
	}
	st, _ := employes.OpenDefault()
	e, err := st.Authenticate(employes.AtConfig, "s3cret!")
	if err != nil || e.MustChange {
		t.Fatalf("after change: %+v %v", e, err)
	}
	if got := texts(w.configWindow.Content()); !strings.Contains(got, "ADMIN") || !strings.Contains(got, "Sauvegarder, Restaurer") {
		t.Errorf("employees tab:\n%s", got)
	}
}

func TestConfigurationRefusesCodeWithoutRight(t *testing.T) {
	conn := env(t, "001SOC")
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	w := newTestWizard(t, conn)
	test.Tap(w.configButton)
	d := overlay(t, w.win)
	test.Type(find(d, func(e *widget.Entry) bool { return e.Password }), "1234")
	test.Tap(button(t, d, "Valider"))
	if !strings.Contains(texts(d), "n'a pas le droit « Configurer »") || w.configWindow != nil {
		t.Fatalf("dialog:\n%s", texts(d))
	}
}

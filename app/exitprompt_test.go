package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
	"coffre/internal/paths"
	"coffre/internal/prefs"
)

// addEmployee registers name with code and rights in the test configuration.
func addEmployee(t *testing.T, name, code string, rights ...employes.Right) {
	t.Helper()
	st, err := employes.OpenDefault()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("", employes.Employee{Name: name, Rights: rights}, code); err != nil {
		t.Fatal(err)
	}
}

func newTestExitPrompt(t *testing.T, conn, code string) *exitPrompt {
	t.Helper()
	a := test.NewTempApp(t)
	p := newExitPrompt(a, conn)
	p.goWork = func(f func()) { f() }
	p.pickFolder = func(string, string, func(string)) { t.Error("native picker opened in a test") }
	p.now = func() time.Time { return testNow }
	t.Cleanup(p.shutdown)
	p.start(code)
	return p
}

func TestExitPromptWithoutBackupRightDoesNotBackUp(t *testing.T) {
	conn := env(t, "001SOC")
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	addEmployee(t, "Paul", "5678", employes.Restaurer)

	p := newTestExitPrompt(t, conn, "5678")
	// It says why (TestExitPromptSaysWhyWithoutBackupRight), then closes.
	test.Tap(button(t, p.win.Content(), "Fermer"))
	if !p.closed || p.err != nil {
		t.Fatalf("closed %v, err %v: the prompt stayed open for a code without « Sauvegarder »", p.closed, p.err)
	}
	if left := dirFiles(t, dest); len(left) != 0 {
		t.Fatalf("written: %v", left)
	}
	if files, _ := filepath.Glob(filepath.Join(paths.Backups(), "*")); len(files) != 0 {
		t.Fatalf("written to the default folder: %v", files)
	}
}

func TestExitPromptBacksUpEveryDossier(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)

	p := newTestExitPrompt(t, conn, "1234")
	if p.closed {
		t.Fatal("closed for a code with the backup right")
	}
	page := p.win.Content()
	got := texts(page)
	for _, want := range []string{"Voulez-vous sauvegarder", "Bonjour Julie. 2 dossiers", "Emplacement", "Nom"} {
		if !strings.Contains(got, want) {
			t.Errorf("prompt lacks %q:\n%s", want, got)
		}
	}
	if find(page, func(e *widget.Entry) bool { return e.Text == "Sauvegarde_20261121_2130" }) == nil {
		t.Error("Nom not pre-filled with the date")
	}
	button(t, page, "Ne pas sauvegarder")
	test.Tap(button(t, page, "Sauvegarder"))
	if p.err != nil {
		t.Fatalf("backup: %v", p.err)
	}
	sub := filepath.Join(dest, "Sauvegarde_20261121_2130")
	for _, n := range []string{"001-SOC_", "002-ABC_"} {
		if m, _ := filepath.Glob(filepath.Join(sub, n+"*.pbf")); len(m) != 1 {
			t.Errorf("%s*.pbf in %s: %v", n, sub, dirFiles(t, sub))
		}
	}
	if len(p.written) != 2 || !strings.Contains(texts(p.win.Content()), "Sauvegarde terminée : 2 fichiers vérifiés") {
		t.Fatalf("written %v; page:\n%s", p.written, texts(p.win.Content()))
	}
}

func TestExitPromptAsksForACode(t *testing.T) {
	conn := env(t, "001SOC")
	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	p := newTestExitPrompt(t, conn, "")
	page := p.win.Content()
	if !strings.Contains(texts(page), "Tapez votre code employé") {
		t.Fatalf("no code asked:\n%s", texts(page))
	}
	code := find(page, func(e *widget.Entry) bool { return e.Password })
	test.Type(code, "0000")
	test.Tap(button(t, page, "Valider"))
	if p.closed || !strings.Contains(p.reason.Text, "Code incorrect") {
		t.Fatalf("wrong code: closed %v, reason %q", p.closed, p.reason.Text)
	}
	code = find(p.win.Content(), func(e *widget.Entry) bool { return e.Password })
	test.Type(code, "1234")
	test.Tap(button(t, p.win.Content(), "Valider"))
	button(t, p.win.Content(), "Sauvegarder")
}

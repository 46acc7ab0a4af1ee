package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
)

var testNow = time.Date(2026, 11, 21, 21, 30, 0, 0, time.Local)

// env points Coffre's data and configuration at temp folders and returns a
// connexion folder holding the given dossiers (numero+nom, e.g. "001SOC").
func env(t *testing.T, dossiers ...string) string {
	t.Helper()
	t.Setenv("COFFRE_DATA", t.TempDir())
	t.Setenv("COFFRE_CONFIG", t.TempDir())
	i18n.SetLanguage("fr")
	conn := t.TempDir()
	for i, d := range dossiers {
		dossiertest.BuildV1(t, filepath.Join(conn, d+".db"),
			dossiertest.WithNumero(d[:3]), dossiertest.WithNom(d[3:]),
			dossiertest.WithIdentifiant("00000000-0000-4000-8000-00000000000"+string(rune('1'+i))))
	}
	return conn
}

// newTestWizard opens the wizard on conn in a test app. The work runs on
// the test goroutine, so each step is done when Tap returns.
func newTestWizard(t *testing.T, conn string) *wizard {
	t.Helper()
	a := test.NewTempApp(t)
	w := newWizard(a, conn)
	w.goWork = func(f func()) { f() }
	w.pickFolder = func(string, string, func(string)) { t.Error("native picker opened in a test") }
	w.pickFile = func(string, string, *fileKind, func(string)) { t.Error("native picker opened in a test") }
	w.openFolder = func(string) {}
	w.now = func() time.Time { return testNow }
	w.win.Show()
	t.Cleanup(func() {
		if w.store != nil {
			w.store.Close()
		}
	})
	return w
}

// walk calls fn on every visible object under o.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	if u, ok := o.(interface{ unwrap() fyne.CanvasObject }); ok {
		fn(u.unwrap()) // an entry, check box or table with our keys is still one
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

func find[T fyne.CanvasObject](root fyne.CanvasObject, ok func(T) bool) T {
	var found T
	var done bool
	walk(root, func(o fyne.CanvasObject) {
		if x, is := o.(T); is && !done && ok(x) {
			found, done = x, true
		}
	})
	return found
}

func button(t *testing.T, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b := find(root, func(b *widget.Button) bool { return b.Text == text })
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

func check(t *testing.T, root fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	c := find(root, func(c *widget.Check) bool { return strings.HasPrefix(c.Text, text) })
	if c == nil {
		t.Fatalf("no check box %q", text)
	}
	return c
}

func table(t *testing.T, root fyne.CanvasObject) *widget.Table {
	t.Helper()
	tb := find(root, func(*widget.Table) bool { return true })
	if tb == nil {
		t.Fatal("no table")
	}
	return tb
}

// texts is every visible label's text under root, one per line.
func texts(root fyne.CanvasObject) string {
	var b strings.Builder
	walk(root, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.RichText:
			b.WriteString(x.String() + "\n")
		}
	})
	return b.String()
}

// next taps Suivant and checks the wizard moved to step want.
func next(t *testing.T, w *wizard, want int) {
	t.Helper()
	test.Tap(w.next)
	if w.cur != want {
		t.Fatalf("on step %d after Suivant, want %d; reason shown: %q", w.cur, want, w.reason.Text)
	}
}

func (w *wizard) content() fyne.CanvasObject { return w.win.Content() }

// dirFiles lists the names in dir (all of them, hidden ones included).
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

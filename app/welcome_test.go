package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/paths"
)

// « Tester la connexion » counts the dossiers of the server it opened, not
// the listing of the previous connexion (it said « 0 dossier trouvé » for
// a server holding 2). The server is the SQLite ODBC driver on a folder of
// two dossiers: a real ODBC connexion.
func TestTestConnexionCountsTheServersDossiers(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	w := newTestWizard(t, t.TempDir())
	kind := find(w.content(), func(r *radioList) bool { return len(r.Options) == 2 })
	kind.SetSelected(kind.Options[1])
	server := find(w.content(), func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "nom de la source ODBC") })
	server.SetText("Driver=SQLite3;Database=" + conn)
	test.Tap(button(t, w.content(), "Tester la connexion"))
	if got := texts(w.content()); !strings.Contains(got, "2 dossiers trouvés") {
		t.Fatalf("after « Tester la connexion »:\n%s", got)
	}
}

// The first start welcomes: it says what a connexion is and offers the
// demonstration dossiers, which it writes and points the connexion to
// (it only said « Le dossier … n'existe pas. »).
func TestFirstStartWelcomes(t *testing.T) {
	env(t)
	w := newTestWizard(t, filepath.Join(t.TempDir(), "absent"))
	got := texts(w.content())
	for _, want := range []string{"Bienvenue dans Coffre", "Il les trouve par une connexion", "« Parcourir… »"} {
		if !strings.Contains(got, want) {
			t.Errorf("welcome lacks %q:\n%s", want, got)
		}
	}
	test.Tap(button(t, w.content(), "Essayer avec des dossiers de démonstration"))
	if !strings.HasPrefix(w.opts.Folder, paths.DataDir()) {
		t.Fatalf("connexion after the demo button: %q", w.opts.Folder)
	}
	if got := texts(w.content()); !strings.Contains(got, "Dossiers de démonstration prêts") {
		t.Errorf("no word after the demo button:\n%s", got)
	}
	next(t, w, stepIdxOperation)
	if len(w.dossiers) < 2 {
		t.Errorf("demo connexion lists %d dossiers", len(w.dossiers))
	}

	// Once a connexion was opened, the welcome is not shown again.
	w2 := newTestWizard(t, "")
	if got := texts(w2.content()); strings.Contains(got, "Bienvenue") {
		t.Errorf("welcome shown again:\n%s", got)
	}
}

// A remembered folder that is gone says what to do, not only that it is
// missing.
func TestMissingFolderGivesAdvice(t *testing.T) {
	env(t)
	w := newTestWizard(t, filepath.Join(t.TempDir(), "parti"))
	test.Tap(w.next)
	if !strings.Contains(w.reason.Text, "cliquez sur « Parcourir… »") {
		t.Errorf("reason: %q", w.reason.Text)
	}
}

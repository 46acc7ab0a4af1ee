package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/backup"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/prefs"
	"coffre/internal/store"
	"coffre/internal/verify"
)

func TestWizardOpensOnConnexionInFrench(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	if w.win.Title() != "Coffre" || w.cur != stepIdxConnexion || w.title.Text != "Connexion" {
		t.Fatalf("window %q on step %d %q", w.win.Title(), w.cur, w.title.Text)
	}
	for _, s := range []string{"Suivant", "Précédent", "Annuler", "Configuration"} {
		button(t, w.content(), s)
	}
	if !w.prev.Disabled() {
		t.Error("Précédent enabled on the first step")
	}
}

func TestBackupWalk(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	w := newTestWizard(t, conn)
	signedIn(w) // not about rights (rights_test.go)

	next(t, w, stepIdxOperation)
	if w.opts.Operation != "sauvegarde" || !check(t, w.content(), "Vérifier après").Checked {
		t.Fatalf("default operation %q", w.opts.Operation)
	}
	next(t, w, stepIdxDossiers)
	if got := texts(w.content()); !strings.Contains(got, "0 dossier sélectionné sur 2") {
		t.Fatalf("dossiers step:\n%s", got)
	}
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	if !slices.Equal(w.opts.Dossiers, []string{"001", "002"}) {
		t.Fatalf("selected %v", w.opts.Dossiers)
	}
	next(t, w, stepIdxOptions)
	destEntry := find(w.content(), func(e *widget.Entry) bool { return e.Text == paths.Backups() })
	if destEntry == nil {
		t.Fatal("no destination entry with the default folder")
	}
	destEntry.SetText(dest)
	next(t, w, stepIdxSummary)
	sum := texts(w.content())
	for _, want := range []string{"2 dossiers seront sauvegardés dans « " + dest + " »", "001 SOC", "002 ABC", "relu et vérifié"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if w.next.Text != "Lancer" {
		t.Errorf("Suivant reads %q on the summary", w.next.Text)
	}
	next(t, w, stepIdxResult) // the work runs synchronously in tests
	if w.cur != stepIdxResult {
		t.Fatalf("step %d after the run", w.cur)
	}
	res := texts(w.content())
	if !strings.Contains(res, "Sauvegarde terminée") || !strings.Contains(res, "vérifiée") {
		t.Fatalf("result:\n%s", res)
	}
	for _, n := range []string{"001-SOC_", "002-ABC_"} {
		matches, _ := filepath.Glob(filepath.Join(dest, n+"*.pbf"))
		if len(matches) != 1 {
			t.Fatalf("%s*.pbf in dest: %v (all: %v)", n, matches, dirFiles(t, dest))
		}
		if _, err := verify.File(context.Background(), matches[0], verify.Options{Complete: true}); err != nil {
			t.Errorf("%s: %v", matches[0], err)
		}
	}
	if got := prefs.Load().Destination; got != dest {
		t.Errorf("remembered destination %q, want %q", got, dest)
	}
	for _, s := range []string{"Ouvrir le répertoire", "Nouvelle opération", "Quitter"} {
		button(t, w.content(), s)
	}
	test.Tap(button(t, w.content(), "Nouvelle opération"))
	if w.cur != stepIdxOperation || len(w.opts.Dossiers) != 0 {
		t.Fatalf("Nouvelle opération: step %d, dossiers %v", w.cur, w.opts.Dossiers)
	}
}

func TestBackupOneDossierNamedAndEncrypted(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	w := newTestWizard(t, conn)
	signedIn(w) // not about rights (rights_test.go)
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	test.Type(find(w.content(), func(e *widget.Entry) bool { return e.PlaceHolder != "" && strings.HasPrefix(e.PlaceHolder, "Filtrer") }), "abc")
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	if !slices.Equal(w.opts.Dossiers, []string{"002"}) {
		t.Fatalf("filter then select all: %v", w.opts.Dossiers)
	}
	next(t, w, stepIdxOptions)
	if w.opts.Name != "002-ABC_20261121_2130" {
		t.Fatalf("pre-filled name %q", w.opts.Name)
	}
	w.opts.DestDir = dest
	w.show(stepIdxOptions)
	name := find(w.content(), func(e *widget.Entry) bool { return e.Text == "002-ABC_20261121_2130" })
	name.SetText("fin-de-mois")
	test.Tap(check(t, w.content(), "Chiffrer"))
	next(t, w, stepIdxOptions) // no passphrase: refused
	if !strings.Contains(w.reason.Text, "phrase secrète") {
		t.Fatalf("reason %q", w.reason.Text)
	}
	w.opts.Passphrase, w.opts.Passphrase2 = "cheval-agrafe", "cheval-agrafe"
	next(t, w, stepIdxSummary)
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatal(w.result.Err)
	}
	f := filepath.Join(dest, "fin-de-mois.pbf")
	if _, err := verify.File(context.Background(), f, verify.Options{Passphrase: "cheval-agrafe"}); err != nil {
		t.Fatalf("%s: %v (dest: %v)", f, err, dirFiles(t, dest))
	}
	if _, err := verify.File(context.Background(), f, verify.Options{}); err == nil {
		t.Error("encrypted backup readable without its passphrase")
	}
}

// backupOf writes a backup of dossier numero of conn into dir.
func backupOf(t *testing.T, conn, numero, dir string) string {
	t.Helper()
	s, err := connexion.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, numero), DestDir: dir, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

func TestRestoreWalkUnderFreeNumber(t *testing.T) {
	conn := env(t, "001SOC")
	saved := t.TempDir()
	file := backupOf(t, conn, "001", saved)
	if err := prefs.Save(prefs.Prefs{Destination: saved}); err != nil {
		t.Fatal(err)
	}
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	find(w.content(), func(r *radioList) bool { return true }).SetSelected("Restauration")
	next(t, w, stepIdxDossiers)
	list := texts(w.content())
	if !strings.Contains(list, filepath.Base(file)) || !strings.Contains(list, "001 SOC") {
		t.Fatalf("backups listed:\n%s", list)
	}
	table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
	if w.opts.Numero != "001" || !strings.Contains(texts(w.content()), "existe déjà") {
		t.Fatalf("numero %q; %s", w.opts.Numero, texts(w.content()))
	}
	test.Tap(button(t, w.content(), "Sélectionner"))
	if w.opts.Numero != "002" {
		t.Fatalf("Sélectionner proposed %q, want 002", w.opts.Numero)
	}
	next(t, w, stepIdxOptions)
	next(t, w, stepIdxSummary)
	sum := texts(w.content())
	for _, want := range []string{"dossier n° 002 : fichier 002SOC.db", "Aucun dossier existant ne sera remplacé"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("restore: %v", w.result.Err)
	}
	if !strings.Contains(texts(w.content()), "Restauration terminée") {
		t.Fatalf("result:\n%s", texts(w.content()))
	}
	// A copy beside 001: its row says 002 and it has its own identity
	// (docs/FORMAT.md § 16); every other row is the original's.
	orig, restored := dossiertest.Dump(t, filepath.Join(conn, "001SOC.db")), dossiertest.Dump(t, filepath.Join(conn, "002SOC.db"))
	if row := restored["dossier"]; len(row) != 1 || row[0][0] != "002" {
		t.Errorf("restored dossier's row: %v", row)
	}
	delete(orig, "dossier")
	delete(restored, "dossier")
	if d := dossiertest.Diff(orig, restored); d != "" {
		t.Errorf("restored dossier differs from the original:\n%s", d)
	}
}

func TestRestoreWalkReplacingAfterConfirmation(t *testing.T) {
	conn := env(t, "001SOC")
	saved := t.TempDir()
	file := backupOf(t, conn, "001", saved)
	before := dossiertest.Dump(t, filepath.Join(conn, "001SOC.db"))
	w := newTestWizard(t, conn)
	signedIn(w) // not about rights (rights_test.go)
	next(t, w, stepIdxOperation)
	w.opts.Operation = "restauration"
	next(t, w, stepIdxDossiers)
	w.opts.FilesFolder = saved
	w.show(stepIdxDossiers)
	table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
	if !slices.Equal(w.opts.Files, []string{file}) || w.opts.Numero != "001" {
		t.Fatalf("files %v numero %q", w.opts.Files, w.opts.Numero)
	}
	next(t, w, stepIdxOptions)
	// Suivant is refused until the replacement is confirmed.
	next(t, w, stepIdxOptions)
	if !w.reasonBox.Visible() || !strings.Contains(w.reason.Text, "cochez « Remplacer le dossier existant »") {
		t.Fatalf("reason %q", w.reason.Text)
	}
	test.Tap(check(t, w.content(), "Remplacer le dossier existant"))
	next(t, w, stepIdxSummary)
	if sum := texts(w.content()); !strings.Contains(sum, "sera REMPLACÉ") {
		t.Fatalf("summary:\n%s", sum)
	}
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("restore: %v", w.result.Err)
	}
	safety, _ := filepath.Glob(filepath.Join(paths.Safety(), "001-SOC_*.pbf"))
	if len(safety) != 1 {
		t.Fatalf("safety backups: %v", safety)
	}
	if !strings.Contains(texts(w.content()), "Sauvegarde de sécurité") {
		t.Errorf("result does not name the safety backup:\n%s", texts(w.content()))
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, filepath.Join(conn, "001SOC.db"))); d != "" {
		t.Errorf("replaced dossier differs from the backup:\n%s", d)
	}
}

func TestNextRefusedWithReason(t *testing.T) {
	conn := env(t, "001SOC")
	tests := []struct {
		name   string
		step   int
		setup  func(w *wizard)
		reason string
	}{
		{"missing connexion folder", stepIdxConnexion, func(w *wizard) { w.opts.Folder = filepath.Join(conn, "absent") }, "n'existe pas"},
		{"ODBC without server", stepIdxConnexion, func(w *wizard) { w.opts.ODBC = true }, "Indiquez le DSN"},
		{"ODBC has no driver yet", stepIdxConnexion, func(w *wizard) { w.opts.ODBC, w.opts.ODBCServer = true, "Compta" }, "aucun pilote ODBC n'est configuré"},
		{"no dossier ticked", stepIdxDossiers, nil, "Cochez au moins un dossier"},
		{"bad file name", stepIdxOptions, func(w *wizard) { w.opts.Dossiers = []string{"001"}; w.opts.Name = "a/b" }, "Nom de fichier invalide"},
		{"passphrases differ", stepIdxOptions, func(w *wizard) {
			w.opts.Dossiers, w.opts.Encrypt, w.opts.Passphrase, w.opts.Passphrase2 = []string{"001"}, true, "un", "deux"
		}, "ne sont pas identiques"},
		{"missing destination", stepIdxOptions, func(w *wizard) {
			w.opts.Dossiers, w.opts.DestDir = []string{"001"}, filepath.Join(conn, "nulle-part")
		}, "n'existe pas"},
		{"restore without a file", stepIdxDossiers, func(w *wizard) { w.opts.Operation = "restauration" }, "Choisissez une sauvegarde"},
		// The engine's own rules (the requests' Validate), as the command
		// line applies them.
		{"destination is a file", stepIdxOptions, func(w *wizard) {
			w.opts.Dossiers, w.opts.DestDir = []string{"001"}, filepath.Join(conn, "001SOC.db")
		}, "est un fichier, pas un dossier"},
		{"bad file name, named", stepIdxOptions, func(w *wizard) { w.opts.Dossiers = []string{"001"}; w.opts.Name = "a/b" }, "« a/b »"},
		{"weak passphrase", stepIdxOptions, func(w *wizard) {
			w.opts.Dossiers, w.opts.Encrypt, w.opts.Passphrase, w.opts.Passphrase2 = []string{"001"}, true, "abc", "abc"
		}, "au moins 10 caractères"},
		{"archive into a file", stepIdxOptions, func(w *wizard) {
			w.opts.Operation, w.opts.Dossiers, w.opts.DestDir = "archivage", []string{"001"}, filepath.Join(conn, "001SOC.db")
			w.opts.Exercices = map[string][]string{"001": {"2014"}}
		}, "est un fichier, pas un dossier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWizard(t, conn)
			if tt.step > stepIdxConnexion {
				next(t, w, stepIdxOperation)
			}
			if tt.setup != nil {
				tt.setup(w)
			}
			w.show(tt.step)
			test.Tap(w.next)
			if w.cur != tt.step {
				t.Fatalf("Suivant went on to step %d", w.cur)
			}
			if !w.reasonBox.Visible() || !strings.Contains(w.reason.Text, tt.reason) {
				t.Fatalf("reason shown %v %q, want %q", w.reasonBox.Visible(), w.reason.Text, tt.reason)
			}
			if !strings.Contains(texts(w.content()), tt.reason) {
				t.Error("the reason is not on screen")
			}
			w.show(tt.step) // a new visit starts clean
			if w.reasonBox.Visible() {
				t.Error("reason still shown")
			}
		})
	}
}

func TestCancelDuringRunLeavesNoFile(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	w := newTestWizard(t, conn)
	signedIn(w) // not about rights (rights_test.go)
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	next(t, w, stepIdxSummary)
	tmpSeen := false
	w.onEvent = func(e dossier.Event) {
		if e.Phase != dossier.PhaseCompression || !w.running {
			return
		}
		for _, n := range dirFiles(t, dest) {
			tmpSeen = tmpSeen || fsutil.IsTemp(n)
		}
		test.Tap(w.cancel)                                     // Annuler, in the middle of writing the first file…
		test.Tap(button(t, top(w.win), "Arrêter l'opération")) // …confirmed
	}
	next(t, w, stepIdxResult)
	if w.cur != stepIdxResult || !i18n.Canceled(w.result.Err) {
		t.Fatalf("step %d, err %v", w.cur, w.result.Err)
	}
	if !tmpSeen {
		t.Error("cancelled before anything was being written: the test proves nothing")
	}
	if got := texts(w.content()); !strings.Contains(got, "Opération annulée") || strings.Contains(got, "échoué") {
		t.Fatalf("result:\n%s", got)
	}
	if left := dirFiles(t, dest); len(left) != 0 {
		t.Fatalf("left in the destination: %v", left)
	}
	if _, err := os.Stat(filepath.Join(conn, "001SOC.db")); err != nil {
		t.Fatal(err)
	}
}

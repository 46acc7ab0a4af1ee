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

	"coffre/internal/archive"
	"coffre/internal/connexion"
	"coffre/internal/dossiertest"
	"coffre/internal/employes"
	"coffre/internal/ledger"
	"coffre/internal/paths"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
)

// startOp opens the wizard on conn and goes to the Dossiers step of
// operation id, chosen by its label as a person would.
func startOp(t *testing.T, conn, id string) *wizard {
	t.Helper()
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	pick(t, w, id)
	next(t, w, stepIdxDossiers)
	return w
}

// pick chooses operation id on the Opération step.
func pick(t *testing.T, w *wizard, id string) {
	t.Helper()
	op := operationByID(id)
	if op == nil {
		t.Fatalf("no operation %q", id)
	}
	find(w.content(), func(*radioList) bool { return true }).SetSelected(op.label.Other)
	if w.opts.Operation != id {
		t.Fatalf("operation %q after choosing %q", w.opts.Operation, op.label.Other)
	}
}

// tickRow ticks dossier numero on the Dossiers step by tapping rows.
func tickRow(t *testing.T, w *wizard, numero string) {
	t.Helper()
	tb := table(t, w.content())
	rows, _ := tb.Length()
	for r := 0; r < rows; r++ {
		before := len(w.opts.Dossiers)
		tb.Select(widget.TableCellID{Row: r, Col: 1})
		if slices.Contains(w.opts.Dossiers, numero) {
			return
		}
		if len(w.opts.Dossiers) != before { // another row: untick it again
			tb.Select(widget.TableCellID{Row: r, Col: 1})
		}
	}
	t.Fatalf("no row for dossier %s", numero)
}

// tickExercice sets the exercice check box of code on the Options step.
func tickExercice(t *testing.T, w *wizard, code string, on bool) {
	t.Helper()
	c := check(t, w.content(), code+" — ")
	if c.Checked != on {
		test.Tap(c)
	}
}

// answerCode types code into the employee-code dialog and validates it.
func answerCode(t *testing.T, w *wizard, code string) string {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no code dialog")
	}
	entry := find(top, func(e *widget.Entry) bool { return e.Password })
	if entry == nil {
		t.Fatal("no code entry in the dialog")
	}
	test.Type(entry, code)
	test.Tap(button(t, top, "Valider"))
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		return texts(top)
	}
	return ""
}

func sqlExec(t *testing.T, path, query string, args ...any) {
	t.Helper()
	db, err := sqlitestore.OpenRW(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

func exercicesIn(t *testing.T, path string) []ledger.Exercice {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := ledger.Exercices(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}

func TestExportWalk(t *testing.T) {
	conn := env(t, "001SOC")
	w := startOp(t, conn, "export")
	signedIn(w) // not about rights (rights_test.go)
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	if !w.opts.ExportHere {
		t.Fatal("the export does not default to the connexion's folder")
	}
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "1 dossier sera exporté dans « "+conn+" »", "E001SOC.db", "ne sont pas modifiés")
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatal(w.result.Err)
	}
	contains(t, "result", texts(w.content()), "Export terminé", "E001SOC.db", "contrôlé")
	exported := filepath.Join(conn, "E001SOC.db")
	if d := dossiertest.Diff(dossiertest.Dump(t, filepath.Join(conn, "001SOC.db")), dossiertest.Dump(t, exported)); d != "" {
		t.Fatalf("export differs from the dossier:\n%s", d)
	}

	// The export restores (as 001SOC, without the E) into another connexion.
	other := t.TempDir()
	s, err := connexion.Open(other)
	if err != nil {
		t.Fatal(err)
	}
	res, err := restore.Run(context.Background(), restore.Request{File: exported, Store: s, SafetyDir: paths.Safety()})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "001SOC.db" {
		t.Errorf("export restored as %s", res.Path)
	}

	// A second export is refused at Options until « Remplacer » is ticked.
	test.Tap(button(t, w.content(), "Nouvelle opération"))
	pick(t, w, "export")
	next(t, w, stepIdxDossiers)
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	next(t, w, stepIdxOptions)
	contains(t, "reason", w.reason.Text, "existe déjà", "Remplacer")
	test.Tap(check(t, w.content(), "Remplacer un export déjà présent"))
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "sera REMPLACÉ")
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatal(w.result.Err)
	}
	contains(t, "result", texts(w.content()), "l'ancien export de même nom a été remplacé")
}

func TestTransferWalkSendTwiceThenReceive(t *testing.T) {
	conn := env(t, "001SOC")
	dest := t.TempDir()
	send := func(w *wizard) string {
		t.Helper()
		tickRow(t, w, "001")
		next(t, w, stepIdxOptions)
		w.opts.DestDir = dest
		next(t, w, stepIdxSummary)
		sum := texts(w.content())
		next(t, w, stepIdxResult)
		if w.result.Err != nil {
			t.Fatal(w.result.Err)
		}
		return sum
	}
	w := startOp(t, conn, "transfert-envoi")
	signedIn(w) // not about rights (rights_test.go)
	contains(t, "first summary", send(w), "Premier transfert : le dossier complet est exporté", "ne sont pas modifiés")
	contains(t, "first result", texts(w.content()), "Premier transfert : le dossier complet est exporté", "transfert complet n° 0")
	bases, _ := filepath.Glob(filepath.Join(dest, "*.pbf"))
	if len(bases) != 1 {
		t.Fatalf("transfer base: %v", dirFiles(t, dest))
	}

	// The other site starts from the base.
	site := t.TempDir()
	s, err := connexion.Open(site)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restore.Run(context.Background(), restore.Request{File: bases[0], Store: s, SafetyDir: paths.Safety()}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	sqlExec(t, filepath.Join(conn, "001SOC.db"), `UPDATE comptes SET libelle = 'Banque Populaire modifiée' WHERE numero = (SELECT MIN(numero) FROM comptes)`)
	test.Tap(button(t, w.content(), "Nouvelle opération"))
	next(t, w, stepIdxDossiers)
	contains(t, "second summary", send(w), "transfert n° 1 : seulement ce qui a changé depuis le transfert n° 0")
	contains(t, "second result", texts(w.content()), "transfert n° 1 écrit", "1 ligne changée", "comptes +0 ~1 −0")
	ptfs, _ := filepath.Glob(filepath.Join(dest, "*.ptf"))
	if len(ptfs) != 1 {
		t.Fatalf("partial transfer: %v", dirFiles(t, dest))
	}

	// Receiving it: the file names its dossier, which is proposed.
	r := startOp(t, site, "transfert-reception")
	signedIn(r) // not about rights (rights_test.go)
	r.opts.FilesFolder = dest
	r.show(stepIdxDossiers)
	if got := texts(r.content()); strings.Contains(got, ".pbf") || !strings.Contains(got, filepath.Base(ptfs[0])) {
		t.Fatalf("files listed:\n%s", got)
	}
	table(t, r.content()).Select(widget.TableCellID{Row: 0, Col: 1})
	if r.opts.Numero != "001" {
		t.Fatalf("target dossier %q", r.opts.Numero)
	}
	next(t, r, stepIdxOptions)
	next(t, r, stepIdxSummary)
	contains(t, "receive summary", texts(r.content()), "sera MODIFIÉ", "sauvegarde de sécurité vérifiée", paths.Safety(), "comptes +0 ~1 −0")
	next(t, r, stepIdxResult)
	if r.result.Err != nil {
		t.Fatal(r.result.Err)
	}
	contains(t, "receive result", texts(r.content()), "Transfert n° 1 appliqué au dossier 001SOC", "Sauvegarde de sécurité prise avant")
	var libelle string
	db, err := sqlitestore.OpenRO(filepath.Join(site, "001SOC.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT libelle FROM comptes ORDER BY numero LIMIT 1`).Scan(&libelle); err != nil || libelle != "Banque Populaire modifiée" {
		t.Fatalf("received libelle %q, %v", libelle, err)
	}
}

func TestArchiveThenImportArchiveWalk(t *testing.T) {
	conn := env(t, "001SOC")
	addEmployee(t, "Claire", "4321", employes.Archiver, employes.Restaurer) // the import d'archive needs « Restaurer »
	dest := t.TempDir()
	path := filepath.Join(conn, "001SOC.db")
	before := dossiertest.Dump(t, path)

	w := startOp(t, conn, "archivage")
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	// Pre-ticked: the engine's default choice (closed, ended 7 years before
	// 2026-11-21).
	var want []string
	for _, e := range exercicesIn(t, path) {
		if archive.Default(e, testNow) {
			want = append(want, e.Code)
		}
	}
	if got := w.opts.Exercices["001"]; !slices.Equal(got, want) || !slices.Equal(want, []string{"2014", "2015", "2016", "2017", "2018"}) {
		t.Fatalf("pre-ticked %v, default choice %v", got, want)
	}
	if c := check(t, w.content(), "2024 — "); !c.Disabled() || !strings.Contains(c.Text, "ouvert") {
		t.Errorf("open exercice 2024: %q disabled=%v", c.Text, c.Disabled())
	}
	for _, c := range want {
		tickExercice(t, w, c, false)
	}
	next(t, w, stepIdxOptions)
	contains(t, "reason", w.reason.Text, "Cochez au moins un exercice")
	tickExercice(t, w, "2015", true)
	tickExercice(t, w, "2014", true)
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "exercices 2014 et 2015", "SUPPRIMÉES", "sauvegarde de sécurité vérifiée", paths.Safety())
	test.Tap(w.next) // Lancer: the code is asked first
	if w.cur != stepIdxSummary || !strings.Contains(w.reason.Text, "Archiver / découper") {
		t.Fatalf("step %d, reason %q", w.cur, w.reason.Text)
	}
	answerCode(t, w, "4321")
	if w.cur != stepIdxResult || w.result.Err != nil {
		t.Fatalf("step %d, err %v", w.cur, w.result.Err)
	}
	contains(t, "result", texts(w.content()), "Archivage terminé", "archive écrite et vérifiée", "Exercices 2014 et 2015 archivés", "Sauvegarde de sécurité prise avant")
	pafs, _ := filepath.Glob(filepath.Join(dest, "*.paf"))
	if len(pafs) != 1 {
		t.Fatalf("archives: %v", dirFiles(t, dest))
	}
	for _, e := range exercicesIn(t, path) {
		if e.Archive != (e.Code == "2014" || e.Code == "2015") {
			t.Errorf("exercice %s archived=%v", e.Code, e.Archive)
		}
	}

	// Import d'archive: the file names the dossier; both exercices ticked.
	test.Tap(button(t, w.content(), "Nouvelle opération"))
	pick(t, w, "desarchivage")
	w.opts.FilesFolder = dest
	next(t, w, stepIdxDossiers)
	table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
	if w.opts.Numero != "001" {
		t.Fatalf("target %q", w.opts.Numero)
	}
	next(t, w, stepIdxOptions)
	if got := w.opts.Exercices[pafs[0]]; !slices.Equal(got, []string{"2014", "2015"}) {
		t.Fatalf("ticked %v", got)
	}
	test.Tap(check(t, w.content(), "Supprimer l'archive après"))
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "exercices 2014 et 2015 seront remis", "sera MODIFIÉ", "sera SUPPRIMÉ")
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatal(w.result.Err)
	}
	contains(t, "result", texts(w.content()), "exercices 2014 et 2015 remis en place", "Archive supprimée", "Sauvegarde de sécurité prise avant")
	if _, err := os.Stat(pafs[0]); err == nil {
		t.Error("the archive is still there")
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, path)); d != "" {
		t.Fatalf("archive then import d'archive changed the dossier:\n%s", d)
	}
}

func TestAdminWalk(t *testing.T) {
	conn := env(t, "001SOC")
	dest := t.TempDir()
	w := startOp(t, conn, "administration")
	signedIn(w) // not about rights (rights_test.go)
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	next(t, w, stepIdxOptions) // nothing ticked
	contains(t, "reason", w.reason.Text, "Cochez au moins un exercice")
	tickExercice(t, w, "2024", true)
	if !check(t, w.content(), "Écrire aussi le FEC").Checked {
		t.Error("the FEC is not ticked by default: the administration asks for it")
	}
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "exercices 2024", "version complète", dossiertest.SIREN+"FEC20241231.txt", "n'est pas modifié")
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("%v\n%s", w.result.Err, w.result.Text)
	}
	contains(t, "result", texts(w.content()), "Copie : ", "Admin001SOC_2024.db", "FEC 2024", "débit = crédit")
	for _, f := range []string{"Admin001SOC_2024.db", dossiertest.SIREN + "FEC20241231.txt"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("%s: %v (dest: %v)", f, err, dirFiles(t, dest))
		}
	}
	fec, err := os.ReadFile(filepath.Join(dest, dossiertest.SIREN+"FEC20241231.txt"))
	if err != nil || !strings.HasPrefix(string(fec), "JournalCode\tJournalLib\t") {
		t.Errorf("FEC header: %.60q, %v", fec, err)
	}
}

func TestCutWalkAsksForArchiveRight(t *testing.T) {
	conn := env(t, "001SOC")
	dossiertest.BuildPlain(t, filepath.Join(conn, "002PLN.db"))
	addEmployee(t, "Paul", "5678", employes.Sauvegarder, employes.Restaurer)
	addEmployee(t, "Claire", "4321", employes.Archiver)
	dest := t.TempDir()

	w := startOp(t, conn, "decoupe")
	if got := texts(w.content()); !strings.Contains(got, "SOC") || strings.Contains(got, "PLN") {
		t.Fatalf("proposed dossiers:\n%s", got)
	}
	test.Tap(check(t, w.content(), "Afficher tous les dossiers"))
	if got := texts(w.content()); !strings.Contains(got, "PLN") {
		t.Fatalf("all dossiers:\n%s", got)
	}
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	next(t, w, stepIdxOptions)
	contains(t, "reason", w.reason.Text, "Choisissez le premier exercice")
	sel := find(w.content(), func(*widget.Select) bool { return true })
	for _, o := range sel.Options {
		if strings.HasPrefix(o, "2020 — ") {
			sel.SetSelected(o)
		}
	}
	contains(t, "options", texts(w.content()), "2014 à 2019 (6 exercices)", "2020 à 2025 (6 exercices)")
	next(t, w, stepIdxSummary)
	contains(t, "summary", texts(w.content()), "001SOC_CUT001.db", "SUPPRIMÉS du dossier", "sauvegarde de sécurité vérifiée", paths.Safety())

	test.Tap(w.next)
	if got := answerCode(t, w, "5678"); !strings.Contains(got, "Ce code n'a pas le droit « Archiver / découper »") {
		t.Fatalf("dialog after a code without the right:\n%s", got)
	}
	if w.cur != stepIdxSummary || len(dirFiles(t, dest)) != 0 {
		t.Fatalf("step %d, written %v", w.cur, dirFiles(t, dest))
	}
	answerCode(t, w, "4321")
	if w.cur != stepIdxResult || w.result.Err != nil {
		t.Fatalf("step %d, err %v", w.cur, w.result.Err)
	}
	contains(t, "result", texts(w.content()), "Découpe terminée", "Sauvegarde de sécurité prise avant", "001SOC_CUT001.db")
	var codes []string
	for _, e := range exercicesIn(t, filepath.Join(dest, "001SOC_CUT001.db")) {
		codes = append(codes, e.Code)
	}
	if !slices.Equal(codes, []string{"2014", "2015", "2016", "2017", "2018", "2019"}) {
		t.Errorf("cut file's exercices %v", codes)
	}
	codes = nil
	for _, e := range exercicesIn(t, filepath.Join(conn, "001SOC.db")) {
		codes = append(codes, e.Code)
	}
	if !slices.Equal(codes, []string{"2020", "2021", "2022", "2023", "2024", "2025"}) {
		t.Errorf("dossier's exercices %v", codes)
	}
}

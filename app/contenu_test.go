package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"coffre/internal/dossiertest"
)

// « Contenu » shows the backup as a form — dossier, date, size,
// encryption, verification, each exercice with its counts and totals,
// dates as a person writes them — not a fixed-width dump of table names
// and SHA-256 sums.
func TestContentIsAForm(t *testing.T) {
	conn := env(t, "001SOC")
	saved := t.TempDir()
	file := backupOf(t, conn, "001", saved)
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	w.opts.Operation = "contenu"
	next(t, w, stepIdxDossiers)
	w.opts.FilesFolder = saved
	w.show(stepIdxDossiers)
	table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
	next(t, w, stepIdxOptions)
	next(t, w, stepIdxSummary)
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("contenu: %v", w.result.Err)
	}
	form := find(w.content(), func(*widget.Form) bool { return true })
	if form == nil {
		t.Fatalf("no form in the result:\n%s", texts(w.content()))
	}
	labels := map[string]string{}
	for _, it := range form.Items {
		labels[it.Text] = texts(it.Widget)
	}
	for label, want := range map[string]string{
		"Fichier":       filepath.Base(file),
		"Dossier":       "001 SOC",
		"Taille":        "\u00a0",
		"Chiffrement":   "non chiffrée",
		"Vérification":  "SHA-256",
		"Exercices":     "du 01/01/2024 au 31/12/2024",
		"Sauvegardé le": "/",
	} {
		if !strings.Contains(labels[label], want) {
			t.Errorf("« %s » is %q, want %q", label, labels[label], want)
		}
	}
	if !strings.Contains(labels["Exercices"], "écriture") || !strings.Contains(labels["Exercices"], "débit") {
		t.Errorf("exercices without counts or totals: %q", labels["Exercices"])
	}
	if got := texts(w.content()); strings.Contains(got, "Parties (SHA-256)") || strings.Contains(got, "Tables (lignes)") {
		t.Errorf("the text dump is still shown:\n%s", got)
	}
}

// The tax-audit result says what the auditor gets and where, not the raw
// table names of the copy.
func TestAdminResultSaysWhatTheAuditorGets(t *testing.T) {
	conn := env(t, "001SOC")
	dest := t.TempDir()
	w := startOp(t, conn, "administration")
	signedIn(w) // not about rights (rights_test.go)
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	w.opts.DestDir = dest
	tickExercice(t, w, "2024", true)
	next(t, w, stepIdxSummary)
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("%v\n%s", w.result.Err, w.result.Text)
	}
	got := texts(w.content())
	contains(t, "result", got, "Le vérificateur y trouve les exercices 2024\u00a0:", "écritures", "comptes",
		"À remettre au vérificateur\u00a0: le répertoire «\u00a0"+dest+"\u00a0», qui contient la copie et 1 fichier FEC.",
		dossiertest.SIREN+"FEC20241231.txt")
	if strings.Contains(got, "Tables (lignes)") || strings.Contains(got, "sqlite_sequence") {
		t.Errorf("raw table names:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dest, dossiertest.SIREN+"FEC20241231.txt")); err != nil {
		t.Error(err)
	}
}

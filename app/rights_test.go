package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/archive"
	"coffre/internal/connexion"
	"coffre/internal/employes"
	"coffre/internal/paths"
	"coffre/internal/restore"
)

// signedIn makes w's session that of an employee with every right, for the
// tests that are about something else than rights.
func signedIn(w *wizard) {
	w.employee = &employes.Employee{Name: "Test", Rights: employes.Rights}
}

// codeAsked taps « Lancer » on the Résumé and checks the wizard asks for a
// code with right, refuses a code without it (wrong) and goes on to the
// Résultat with one that has it (good).
func codeAsked(t *testing.T, w *wizard, right employes.Right, wrong, good string) {
	t.Helper()
	if w.cur != stepIdxSummary {
		t.Fatalf("step %d, not the Résumé: %s", w.cur, w.reason.Text)
	}
	test.Tap(w.next)
	if w.cur != stepIdxSummary || !strings.Contains(w.reason.Text, "« "+right.Label()+" »") {
		t.Fatalf("%s: ran without a code: step %d, reason %q", w.opts.Operation, w.cur, w.reason.Text)
	}
	if got := answerCode(t, w, wrong); !strings.Contains(got, "Ce code n'a pas le droit « "+right.Label()+" »") || w.cur != stepIdxSummary {
		t.Fatalf("%s: a code without « %s »: step %d\n%s", w.opts.Operation, right.Label(), w.cur, got)
	}
	answerCode(t, w, good)
	if w.cur != stepIdxResult || w.result.Err != nil {
		t.Fatalf("%s: with the right code: step %d, err %v", w.opts.Operation, w.cur, w.result.Err)
	}
}

// employees adds one employee per right, each with that right only; their
// codes are the rights' names.
func employees(t *testing.T) {
	t.Helper()
	for _, r := range employes.Rights {
		addEmployee(t, "Employé "+string(r), string(r), r)
	}
}

// otherThan is the code of an employee who lacks r.
func otherThan(r employes.Right) string {
	if r == employes.Sauvegarder {
		return string(employes.Restaurer)
	}
	return string(employes.Sauvegarder)
}

// TestEachRightRefusedWithoutItsCode: in the wizard, each operation that
// needs a right asks for an employee's code before it runs and refuses a
// code without it — a backup « Sauvegarder », a restore that replaces a
// dossier, an import d'archive and a received transfer « Restaurer ». A
// restore under a free number changes no dossier and asks nothing. Failed
// before the fix: only archive and cut asked.
func TestEachRightRefusedWithoutItsCode(t *testing.T) {
	conn := env(t, "001SOC")
	employees(t)
	saved := t.TempDir()
	backupOf(t, conn, "001", saved)

	t.Run("sauvegarde", func(t *testing.T) {
		w := startOp(t, conn, "sauvegarde")
		tickRow(t, w, "001")
		next(t, w, stepIdxOptions)
		w.opts.DestDir = t.TempDir()
		next(t, w, stepIdxSummary)
		codeAsked(t, w, employes.Sauvegarder, otherThan(employes.Sauvegarder), string(employes.Sauvegarder))
	})

	restoreTo := func(t *testing.T, replace bool) *wizard {
		w := newTestWizard(t, conn)
		next(t, w, stepIdxOperation)
		w.opts.Operation = "restauration"
		next(t, w, stepIdxDossiers)
		w.opts.FilesFolder = saved
		w.show(stepIdxDossiers)
		table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
		if !replace {
			test.Tap(button(t, w.content(), "Sélectionner"))
		}
		next(t, w, stepIdxOptions)
		if replace {
			test.Tap(check(t, w.content(), "Remplacer le dossier existant"))
		}
		next(t, w, stepIdxSummary)
		return w
	}
	t.Run("restauration qui remplace", func(t *testing.T) {
		codeAsked(t, restoreTo(t, true), employes.Restaurer, otherThan(employes.Restaurer), string(employes.Restaurer))
	})
	t.Run("restauration sous un numéro libre", func(t *testing.T) {
		w := restoreTo(t, false)
		next(t, w, stepIdxResult)
		if w.result.Err != nil || w.opts.Numero == "001" {
			t.Fatalf("restore under %s: %v", w.opts.Numero, w.result.Err)
		}
	})

	t.Run("import d'archive", func(t *testing.T) {
		dest := t.TempDir()
		s, err := connexion.Open(conn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = archive.Run(context.Background(), archive.Request{Store: s, Numero: "001", Exercices: []string{"2014"}, DestDir: dest, SafetyDir: paths.Safety()})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		w := startOp(t, conn, "desarchivage")
		w.opts.FilesFolder = dest
		w.show(stepIdxDossiers)
		table(t, w.content()).Select(widget.TableCellID{Row: 0, Col: 1})
		next(t, w, stepIdxOptions)
		next(t, w, stepIdxSummary)
		codeAsked(t, w, employes.Restaurer, otherThan(employes.Restaurer), string(employes.Restaurer))
	})

	t.Run("transfert reçu", func(t *testing.T) {
		dest := t.TempDir()
		w := startOp(t, conn, "transfert-envoi")
		signedIn(w)
		send := func() {
			tickRow(t, w, "001")
			next(t, w, stepIdxOptions)
			w.opts.DestDir = dest
			next(t, w, stepIdxSummary)
			next(t, w, stepIdxResult)
			if w.result.Err != nil {
				t.Fatal(w.result.Err)
			}
		}
		send()
		bases, _ := filepath.Glob(filepath.Join(dest, "*.pbf"))
		site := t.TempDir()
		restoreBase(t, bases[0], site)
		sqlExec(t, filepath.Join(conn, "001SOC.db"), `UPDATE comptes SET libelle = 'Banque modifiée' WHERE numero = (SELECT MIN(numero) FROM comptes)`)
		test.Tap(button(t, w.content(), "Nouvelle opération"))
		next(t, w, stepIdxDossiers)
		send()
		r := startOp(t, site, "transfert-reception")
		r.opts.FilesFolder = dest
		r.show(stepIdxDossiers)
		table(t, r.content()).Select(widget.TableCellID{Row: 0, Col: 1})
		next(t, r, stepIdxOptions)
		next(t, r, stepIdxSummary)
		codeAsked(t, r, employes.Restaurer, otherThan(employes.Restaurer), string(employes.Restaurer))
	})
}

// restoreBase restores the transfer base file into the connexion folder site.
func restoreBase(t *testing.T, file, site string) {
	t.Helper()
	s, err := connexion.Open(site)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := restore.Run(context.Background(), restore.Request{File: file, Store: s, SafetyDir: paths.Safety()}); err != nil {
		t.Fatal(err)
	}
}

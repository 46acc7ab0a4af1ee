package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// TestNonWholeAmounts: a dossier where a program stored amounts of 2024 as
// REAL with half cents is backed up, verified and restored as it is;
// archiving 2016 (whole amounts) works; archiving 2024, whose balance entry
// could not carry a half cent exactly, and its FEC are refused in French
// naming the entries — never « Erreur inattendue … Scan error »; cut at
// 2020 moves the rows exactly.
func TestNonWholeAmounts(t *testing.T) {
	conn, out, safety := t.TempDir(), t.TempDir(), t.TempDir()
	path := filepath.Join(conn, "001SOC.db")
	dossiertest.BuildV1(t, path)
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE exercices SET cloture = 1 WHERE code = '2024'`,
		`UPDATE lignes SET debit = 12000050.5 WHERE id = 110031`,
		`UPDATE lignes SET debit = debit + 0.5 WHERE id = 110022`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	bad := func(r result, step string) {
		t.Helper()
		if strings.Contains(r.stderr+r.stdout, "Erreur inattendue") || strings.Contains(r.stderr+r.stdout, "Scan error") {
			t.Fatalf("%s: driver text reaches the user: %+v", step, r)
		}
	}
	before := dossiertest.Dump(t, path)

	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", out, "--verifier")
	bad(r, "sauvegarder")
	if r.code != 0 {
		t.Fatalf("sauvegarder: %+v", r)
	}
	pbf := strings.TrimSpace(r.stdout)
	if r := run(t, "verifier", pbf, "--complet"); r.code != 0 {
		t.Fatalf("verifier: %+v", r)
	}
	other := t.TempDir()
	if r := run(t, "restaurer", pbf, "--connexion", other); r.code != 0 {
		t.Fatalf("restaurer: %+v", r)
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, filepath.Join(other, "001SOC.db"))); d != "" {
		t.Fatalf("restored dossier differs: %s", d)
	}

	r = run(t, "archiver", "--connexion", conn, "--dossier", "1", "--exercices", "2024", "--vers", out, "--securite", safety)
	bad(r, "archiver 2024")
	if r.code != 12 || !strings.Contains(r.stderr, "2 montants qui ne sont pas des nombres entiers de centimes") ||
		!strings.Contains(r.stderr, "exercice 2024, écriture n° 2 : debit « 0.5 » ; exercice 2024, écriture n° 3 : debit « 12000050.5 »") {
		t.Fatalf("archiver 2024: %+v", r)
	}
	r = run(t, "administration", "--connexion", conn, "--dossier", "1", "--exercices", "2024", "--vers", t.TempDir(), "--fec")
	bad(r, "administration")
	if r.code != 1 || !strings.Contains(r.stdout, "montants en nombre entier de centimes") {
		t.Fatalf("administration --fec: %+v", r)
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, path)); d != "" {
		t.Fatalf("refusals changed the dossier: %s", d)
	}
	r = run(t, "archiver", "--connexion", conn, "--dossier", "1", "--exercices", "2016", "--vers", out, "--securite", safety)
	bad(r, "archiver 2016")
	if r.code != 0 {
		t.Fatalf("archiver 2016: %+v", r)
	}
	before = dossiertest.Dump(t, path)

	r = run(t, "decouper", "--connexion", conn, "--dossier", "1", "--premier-exercice", "2020", "--vers", out, "--securite", safety)
	bad(r, "decouper")
	if r.code != 0 {
		t.Fatalf("decouper: %+v", r)
	}
	if d := dossiertest.Diff(dossiertest.WithoutExercices(before, []int64{1, 2, 3, 4, 5, 6}), dossiertest.WithoutExercices(dossiertest.Dump(t, path), []int64{1, 2, 3, 4, 5, 6})); d != "" {
		t.Fatalf("the years kept changed: %s", d)
	}
	if _, err := os.Stat(filepath.Join(out, "001SOC_CUT001.db")); err != nil {
		t.Fatal(err)
	}
}

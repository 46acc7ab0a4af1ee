package fec_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// refused asserts that the FEC of 2024 is refused with a message holding
// every want, and that nothing was written.
func refused(t *testing.T, path string, want ...string) {
	t.Helper()
	_, dir, err := writeFEC(t, path, "2024")
	if err == nil {
		t.Fatalf("FEC written, want a refusal with %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%s", w, err)
		}
	}
	if strings.Contains(err.Error(), "Erreur inattendue") || strings.Contains(err.Error(), "Scan") || strings.Contains(err.Error(), "converting") {
		t.Errorf("driver text reaches the user:\n%s", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written despite the refusal: %v", entries)
	}
}

// fecLines writes the 2024 FEC of path and returns its lines, header
// excluded, each split into its 18 fields.
func fecLines(t *testing.T, path string) (fec.Result, [][]string) {
	t.Helper()
	res, _, err := writeFEC(t, path, "2024")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")[1:] {
		out = append(out, strings.Split(l, "\t"))
	}
	return res, out
}

// TestEmptyExercice: an exercice without entries would give a header-only
// file, which the DGFiP's tester rejects as « fichier vide ».
func TestEmptyExercice(t *testing.T) {
	path := small(t, `INSERT INTO exercices (id, code, debut, fin, cloture) VALUES (2, '2025', '2025-01-01', '2025-12-31', 0)`)
	_, dir, err := writeFEC(t, path, "2025")
	if err == nil || !strings.Contains(err.Error(), "n'a aucune écriture") || !strings.Contains(err.Error(), "2025") {
		t.Fatalf("got %v, want the empty exercice refused", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written: %v", entries)
	}
	if err := fec.Check(t.Context(), fecRequest(t, path, "2025", dir)); err == nil {
		t.Fatal("Check passes an empty exercice")
	}
}

func fecRequest(t *testing.T, path, code, dir string) fec.Request {
	t.Helper()
	snap, err := sqlitestore.SnapshotFile(t.Context(), path, store.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return fec.Request{Querier: snap.Querier(), Identity: snap.Identity(), Exercice: code, DestDir: dir}
}

// TestAccountNotPCG: CompteNum must start with three digits of the French
// chart of accounts.
func TestAccountNotPCG(t *testing.T) {
	refused(t, small(t,
		`INSERT INTO comptes VALUES ('A12000', 'Compte mal numéroté'), ('40', 'Trop court')`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (12, 1, 'VEN', 3, '2024-04-01', 'Vente', '2024-04-30')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (10, 12, 'A12000', 500, 0), (11, 12, '40', 0, 500)`),
		"trois chiffres", "n° 3 : compte « A12000 »", "n° 3 : compte « 40 »")
}

// TestZeroLines: a line at zero is in the books, so it is in the FEC (the
// tester's alert does not block the file), and the result says so.
func TestZeroLines(t *testing.T) {
	res, lines := fecLines(t, small(t, `INSERT INTO lignes (id, ecriture_id, compte, libelle, debit, credit) VALUES (5, 10, '706000', 'Remise offerte', 0, 0)`))
	found := false
	for _, f := range lines {
		found = found || (f[10] == "Remise offerte" && f[11] == "0,00" && f[12] == "0,00")
	}
	if !found || res.Lignes != 5 {
		t.Fatalf("zero line missing (%d lines): %q", res.Lignes, lines)
	}
	if len(res.Notes) != 1 || res.Notes[0].Code() != "FECNoteLignesNulles" || !strings.Contains(res.Notes[0].String(), "1 ligne à montant nul") {
		t.Fatalf("notes %v", res.Notes)
	}
	res, _ = fecLines(t, small(t, `INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (5, 10, '706000', 0, 0), (6, 11, '512000', 0, 0)`))
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].String(), "2 lignes à montant nul (débit = crédit = 0) sont reprises") {
		t.Fatalf("notes %v", res.Notes)
	}
	if res, _ := fecLines(t, small(t)); len(res.Notes) != 0 {
		t.Fatalf("notes without zero lines: %v", res.Notes)
	}
}

// TestCurrencyWithoutCode: Montantdevise without Idevise is refused, naming
// the entry; a currency code alone (the dossier's own currency on every
// line) is not a currency amount and writes nothing.
func TestCurrencyWithoutCode(t *testing.T) {
	refused(t, small(t, `UPDATE lignes SET montant_devise = 14000, devise = NULL WHERE id = 1`),
		"code de sa devise", "n° 2 : montant en devise 140,00 sans code de devise")
	refused(t, small(t, `UPDATE lignes SET montant_devise = 14000, devise = '  ' WHERE id = 1`), "n° 2 : montant en devise")
	_, lines := fecLines(t, small(t, `UPDATE lignes SET devise = 'EUR' WHERE id = 1`, `UPDATE lignes SET montant_devise = 14000, devise = 'USD' WHERE id = 2`))
	var got []string
	for _, f := range lines {
		got = append(got, f[16]+"/"+f[17])
	}
	if strings.Join(got, ",") != "/,/,/,140,00/USD" {
		t.Fatalf("Montantdevise/Idevise: %v", got)
	}
}

// TestTiersIncomplete: a tiers with an empty name, without a code, or
// missing altogether is refused, naming the entry.
func TestTiersIncomplete(t *testing.T) {
	refused(t, small(t, `UPDATE tiers SET nom = ' ' WHERE id = 1`), "compte auxiliaire", "n° 2 : tiers « C001 » sans nom")
	refused(t, small(t, `UPDATE tiers SET code = '' WHERE id = 1`), "n° 2 : tiers n° 1 sans code")
	refused(t, small(t, `UPDATE lignes SET tiers_id = 42 WHERE id = 1`), "n° 2 : tiers n° 42 introuvable")
}

// TestLettrage: a lettering code needs its date (the tester blocks the
// whole file on an empty DateLet); a date without a code is no lettering:
// left out of the FEC, and the result says so.
func TestLettrage(t *testing.T) {
	refused(t, small(t, `UPDATE lignes SET lettrage = 'AB', date_lettrage = NULL WHERE id = 1`), "lettrage accompagné de sa date", "n° 2 : lettrage « AB » sans date de lettrage")
	refused(t, small(t, `UPDATE lignes SET lettrage = 'AB', date_lettrage = '' WHERE id = 1`), "n° 2 : lettrage « AB »")
	refused(t, small(t, `UPDATE lignes SET lettrage = 'AB', date_lettrage = '2024-13-01' WHERE id = 1`), "n° 2 : DateLet « 2024-13-01 »")

	res, lines := fecLines(t, small(t, `UPDATE lignes SET lettrage = NULL, date_lettrage = '2024-04-02' WHERE id = 1`,
		`UPDATE lignes SET lettrage = 'AC', date_lettrage = '2024-04-03' WHERE id = 2`))
	var got []string
	for _, f := range lines {
		got = append(got, f[13]+"/"+f[14])
	}
	if strings.Join(got, ",") != "/,/,/,AC/20240403" {
		t.Fatalf("EcritureLet/DateLet: %v", got)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].String(), "1 ligne a une date de lettrage sans code") || !strings.Contains(res.Notes[0].String(), "n° 2 : 2024-04-02") {
		t.Fatalf("notes %v", res.Notes)
	}
}

// TestNumberingFrom1001: the law asks for a continuous numbering, not one
// that starts at 1; a gap is still refused.
func TestNumberingFrom1001(t *testing.T) {
	res, _ := fecLines(t, small(t, `UPDATE ecritures SET numero = numero + 1000`))
	if res.Ecritures != 2 {
		t.Fatalf("result %+v", res)
	}
	refused(t, small(t, `UPDATE ecritures SET numero = numero + 1000`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (12, 1, 'VEN', 1004, '2024-04-01', 'Vente', '2024-04-30')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (10, 12, '411000', 500, 0), (11, 12, '706000', 0, 500)`),
		"n° 1003 manquant")
	refused(t, small(t, `UPDATE ecritures SET numero = 0 WHERE id = 11`), "n° 0 : un numéro d'écriture est un entier positif")
}

// TestNonIntegerAmounts: a REAL 150.5, a text « 1,5 » are not whole cents:
// refused in French, naming the entry, never the driver's scan error. A
// dossier whose lignes declare REAL amounts holding whole cents gets its
// FEC, exact.
func TestNonIntegerAmounts(t *testing.T) {
	refused(t, small(t, `UPDATE lignes SET debit = 150.5 WHERE id = 1`, `UPDATE lignes SET credit = 150.5 WHERE id = 2`),
		"nombre entier de centimes", "n° 2 : Debit « 150.5 »", "n° 2 : Credit « 150.5 »")
	refused(t, small(t, `UPDATE lignes SET debit = '1,5' WHERE id = 1`), "n° 2 : Debit « 1,5 »")
	refused(t, small(t, `UPDATE lignes SET montant_devise = 'beaucoup', devise = 'USD' WHERE id = 1`), "n° 2 : Montantdevise « beaucoup »")

	path := filepath.Join(t.TempDir(), "001SOC.db")
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rwc"))
	if err != nil {
		t.Fatal(err)
	}
	schema := strings.Replace(dossier.SchemaV1, "debit           INTEGER NOT NULL DEFAULT 0,\n  credit          INTEGER NOT NULL DEFAULT 0,", "debit REAL NOT NULL DEFAULT 0,\n  credit TEXT NOT NULL DEFAULT '0',", 1)
	if schema == dossier.SchemaV1 {
		t.Fatal("schema not changed: the test no longer builds REAL/TEXT amounts")
	}
	for _, q := range []string{schema,
		`INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES ('001', 'SOC', 'Café SARL', '123456789', 'id-1')`,
		`INSERT INTO exercices (id, code, debut, fin, cloture) VALUES (1, '2024', '2024-01-01', '2024-12-31', 1)`,
		`INSERT INTO journaux VALUES ('VEN', 'Ventes', 'VEN')`,
		`INSERT INTO comptes VALUES ('411000', 'Clients'), ('706000', 'Prestations')`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (1, 1, 'VEN', 1, '2024-03-15', 'Vente', '2024-03-31')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (1, 1, '411000', 12050.0, '0'), (2, 1, '706000', 0.0, '12050.00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	var typ string
	if err := db.QueryRow(`SELECT typeof(debit) || '/' || typeof(credit) FROM lignes WHERE id = 1`).Scan(&typ); err != nil || typ != "real/text" {
		t.Fatalf("stored as %q (%v), want real/text", typ, err)
	}
	db.Close()
	res, lines := fecLines(t, path)
	if res.Debit != 12050 || res.Credit != 12050 || lines[0][11] != "120,50" || lines[1][12] != "120,50" {
		t.Fatalf("result %+v, lines %q", res, lines)
	}
}

// TestRuleErrorIsFound: every refusal above is the rules report, found by
// errors.As, so the command line and the wizard print it whole.
func TestRuleErrorIsFound(t *testing.T) {
	_, _, err := writeFEC(t, small(t, `UPDATE lignes SET debit = 150.5 WHERE id = 1`), "2024")
	var re *fec.RuleError
	if !errors.As(err, &re) || re.Exercice != "2024" {
		t.Fatalf("%v is not a RuleError", err)
	}
}

package fec_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/fec"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// small writes a hand-built schema-v1 dossier: one exercice 2024, an
// à-nouveau without piece reference, a sale with « é » and « € », and
// whatever extra SQL the test adds.
func small(t *testing.T, extra ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "001SOC.db")
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rwc"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := append([]string{dossier.SchemaV1,
		`INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES ('001', 'SOC', 'Café SARL', '123456789', 'id-1')`,
		`INSERT INTO exercices (id, code, debut, fin, cloture) VALUES (1, '2024', '2024-01-01', '2024-12-31', 1)`,
		`INSERT INTO journaux VALUES ('AN', 'À-nouveaux', 'AN'), ('VEN', 'Ventes', 'VEN')`,
		`INSERT INTO comptes VALUES ('101000', 'Capital'), ('411000', 'Clients'), ('512000', 'Banque'), ('706000', 'Prestations')`,
		`INSERT INTO tiers (id, code, nom, type, compte, email) VALUES (1, 'C001', 'Café Noël', 'C', '411000', 'x@example.fr')`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, piece_ref, piece_date, libelle, date_validation, origine) VALUES
			(10, 1, 'VEN', 2, '2024-03-15', 'F1', '2024-03-14', 'Facture été 2024 — 15 €', '2024-03-31', 'SAISIE'),
			(11, 1, 'AN', 1, '2024-01-01', NULL, NULL, 'À-nouveaux 2024', '2024-01-01', 'ANOUVEAU')`,
		`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, libelle, debit, credit) VALUES
			(1, 10, '411000', 1, NULL, 12050, 0),
			(2, 10, '706000', NULL, 'Prestation	« été »
2024 ☕', 0, 12050),
			(3, 11, '512000', NULL, NULL, 100000, 0),
			(4, 11, '101000', NULL, NULL, 0, 100000)`,
	}, extra...)
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	return path
}

func writeFEC(t *testing.T, path, code string) (fec.Result, string, error) {
	t.Helper()
	snap, err := sqlitestore.SnapshotFile(context.Background(), path, store.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	dir := t.TempDir()
	res, err := fec.Write(context.Background(), fec.Request{Querier: snap.Querier(), Identity: snap.Identity(), Exercice: code, DestDir: dir})
	return res, dir, err
}

func latin9(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.ISO8859_15.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden checks the exact bytes: header, the à-nouveau first (its
// piece reference and date falling back to the entry's number and date),
// the sale with its tiers, and « é » as 0xE9 and « € » as 0xA4.
func TestGolden(t *testing.T) {
	res, dir, err := writeFEC(t, small(t), "2024")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "123456789FEC20241231.txt" || filepath.Dir(res.Path) != dir {
		t.Fatalf("name %s", res.Path)
	}
	got, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	want := latin9(t, strings.Join([]string{
		"JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise",
		"AN\tÀ-nouveaux\t1\t20240101\t512000\tBanque\t\t\t1\t20240101\tÀ-nouveaux 2024\t1000,00\t0,00\t\t\t20240101\t\t",
		"AN\tÀ-nouveaux\t1\t20240101\t101000\tCapital\t\t\t1\t20240101\tÀ-nouveaux 2024\t0,00\t1000,00\t\t\t20240101\t\t",
		"VEN\tVentes\t2\t20240315\t411000\tClients\tC001\tCafé Noël\tF1\t20240314\tFacture été 2024 - 15 €\t120,50\t0,00\t\t\t20240331\t\t",
		"VEN\tVentes\t2\t20240315\t706000\tPrestations\t\t\tF1\t20240314\tPrestation « été » 2024\t0,00\t120,50\t\t\t20240331\t\t",
	}, "\r\n")+"\r\n")
	if string(got) != want {
		t.Fatalf("FEC bytes differ:\n got %q\nwant %q", got, want)
	}
	if !bytes.Contains(got, []byte{'C', 'a', 'f', 0xE9}) || !bytes.Contains(got, []byte{'1', '5', ' ', 0xA4}) || bytes.Contains(got, []byte{0xC3}) {
		t.Fatal("« é » must be 0xE9 and « € » 0xA4, with no UTF-8 left")
	}
	if res.Lignes != 4 || res.Ecritures != 2 || res.Debit != res.Credit || res.Debit != 112050 || res.Cleaned != 2 {
		t.Fatalf("result %+v", res)
	}
}

// TestRulesReport breaks every rule at once: the report names each, and no
// file is written.
func TestRulesReport(t *testing.T) {
	path := small(t,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES
			(20, 1, 'VEN', 4, '2025-02-01', 'Hors exercice', '2024-12-31'),
			(21, 1, 'VEN', 5, '2024-06-01', 'Non validée', NULL),
			(22, 1, 'VEN', 6, '2024-06-02', 'Sans ligne', '2024-12-31')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (20, 20, '411000', 500, 0), (21, 20, '706000', 0, 400), (22, 21, '411000', 1, 1)`,
	)
	_, dir, err := writeFEC(t, path, "2024")
	var re *fec.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("want a rule report, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"équilibrée", "total des débits", "numérotation continue", "hors de l'exercice", "validées", "au moins une ligne", "n° 3 manquant"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
	if len(re.Rules) != 6 {
		t.Errorf("%d rules reported, want 6:\n%s", len(re.Rules), msg)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written despite the report: %v", entries)
	}
}

func TestRefusals(t *testing.T) {
	for _, c := range []struct {
		name, sql, code, want string
	}{
		{"no SIREN", `UPDATE dossier SET siren = NULL`, "2024", "SIREN"},
		{"bad SIREN", `UPDATE dossier SET siren = '12345'`, "2024", "SIREN"},
		{"unknown exercice", `SELECT 1`, "2030", "n'existe pas"},
		{"archived", `UPDATE exercices SET archive = 1`, "2024", "archivé"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, dir, err := writeFEC(t, small(t, c.sql), c.code)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a message with %q", err, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("files written: %v", entries)
			}
		})
	}
}

// TestBuildV1 writes the 2024 FEC of the dossier built by someone else: one
// line per ligne, debit = credit, every line with 18 fields.
func TestBuildV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, path)
	res, _, err := writeFEC(t, path, "2024")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != dossiertest.SIREN+"FEC20241231.txt" {
		t.Fatalf("name %s", res.Path)
	}
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lines, debit, credit int64
	if err := db.QueryRow(`SELECT COUNT(*), SUM(debit), SUM(credit) FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id JOIN exercices x ON x.id = e.exercice_id WHERE x.code = '2024'`).Scan(&lines, &debit, &credit); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if int64(len(recs)-1) != lines || res.Lignes != lines || res.Debit != debit || res.Credit != credit || debit != credit {
		t.Fatalf("%d FEC lines for %d lignes; debit %d credit %d (dossier %d %d)", len(recs)-1, lines, res.Debit, res.Credit, debit, credit)
	}
	var sumD, sumC int64
	for i, r := range recs {
		f := strings.Split(r, "\t")
		if len(f) != 18 {
			t.Fatalf("line %d: %d fields", i, len(f))
		}
		if i == 0 {
			continue
		}
		if i == 1 && f[0] != "AN" {
			t.Fatalf("à-nouveaux must come first: %q", r)
		}
		sumD += cents(t, f[11])
		sumC += cents(t, f[12])
	}
	if sumD != debit || sumC != credit {
		t.Fatalf("file totals %d/%d, dossier %d/%d", sumD, sumC, debit, credit)
	}
	// 2025 holds entries not validated yet: refused with the report.
	if _, _, err := writeFEC(t, path, "2025"); err == nil || !strings.Contains(err.Error(), "validées") {
		t.Fatalf("2025: %v", err)
	}
}

func cents(t *testing.T, s string) int64 {
	t.Helper()
	units, frac, ok := strings.Cut(s, ",")
	if !ok || len(frac) != 2 || strings.ContainsAny(s, ". ") {
		t.Fatalf("amount %q", s)
	}
	var n int64
	for _, c := range units + frac {
		n = n*10 + int64(c-'0')
	}
	return n
}

func TestAmountAndDate(t *testing.T) {
	for in, want := range map[int64]string{0: "0,00", 5: "0,05", -5: "-0,05", 120000: "1200,00", 123456789: "1234567,89", -9223372036854775808: "-92233720368547758,08"} {
		if got := fec.Amount(in); got != want {
			t.Errorf("Amount(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"2024-12-31": "20241231", "2024-02-29": "20240229", "2023-02-29": "", "2024-1-3": "", "2024-12-31 10:00:00": "20241231", "": ""} {
		if got, _ := fec.Date(in); got != want {
			t.Errorf("Date(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestValidationOrder: entries numbered by date but validated in another
// order are written in validation order, EcritureNum continuous from 1, the
// dossier's number kept as PieceRef when the entry has none.
func TestValidationOrder(t *testing.T) {
	path := small(t,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (30, 1, 'VEN', 3, '2024-01-20', 'Avoir', '2024-02-01')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (30, 30, '706000', 500, 0), (31, 30, '411000', 0, 500)`)
	res, _, err := writeFEC(t, path, "2024")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")[1:] {
		f := strings.Split(line, "\t")
		got = append(got, f[2]+"/"+f[8]+"/"+f[15])
	}
	want := "1/1/20240101,1/1/20240101,2/3/20240201,2/3/20240201,3/F1/20240331,3/F1/20240331"
	if strings.Join(got, ",") != want {
		t.Fatalf("EcritureNum/PieceRef/ValidDate:\n got %s\nwant %s", strings.Join(got, ","), want)
	}
}

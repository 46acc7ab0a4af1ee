package dossiertest_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"

	_ "github.com/mattn/go-sqlite3"
)

func db(t *testing.T, path string) *sql.DB {
	t.Helper()
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=rw&_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func one[T any](t *testing.T, d *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := d.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestBuildV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, path)
	d := db(t, path)
	if got := one[string](t, d, "PRAGMA integrity_check"); got != "ok" {
		t.Errorf("integrity_check = %q", got)
	}
	if got := one[string](t, d, "PRAGMA journal_mode"); got != "delete" {
		t.Errorf("journal_mode = %q", got)
	}
	rows, err := d.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
	rows.Close()
	var numero, nom, raison, ident string
	if err := d.QueryRow("SELECT numero, nom, raison_sociale, identifiant FROM dossier").Scan(&numero, &nom, &raison, &ident); err != nil {
		t.Fatal(err)
	}
	if numero != "001" || nom != "SOC" || raison != dossiertest.RaisonSociale || ident != dossiertest.DefaultIdentifiant {
		t.Errorf("identity = %q %q %q %q", numero, nom, raison, ident)
	}
	zero := map[string]string{
		"unbalanced entries": "SELECT count(*) FROM (SELECT ecriture_id FROM lignes GROUP BY ecriture_id HAVING sum(debit) <> sum(credit))",
		"numbering gaps":     "SELECT count(*) FROM (SELECT exercice_id FROM ecritures GROUP BY exercice_id HAVING min(numero) <> 1 OR max(numero) <> count(*))",
		"numbers out of date order": `SELECT count(*) FROM ecritures a JOIN ecritures b
			ON a.exercice_id = b.exercice_id AND b.numero = a.numero + 1 WHERE b.date_ecriture < a.date_ecriture`,
		"sessions":   "SELECT count(*) FROM sessions",
		"transferts": "SELECT count(*) FROM transferts",
	}
	for what, q := range zero {
		if got := one[int](t, d, q); got != 0 {
			t.Errorf("%s: %d", what, got)
		}
	}
	// À-nouveaux = previous closing balances of classes 1–5, result on 120000.
	balances := `WITH closing AS (
		SELECT e.exercice_id + 1 AS x, CASE WHEN substr(l.compte, 1, 1) IN ('6', '7') THEN '120000' ELSE l.compte END AS c,
			CASE WHEN substr(l.compte, 1, 1) IN ('6', '7') THEN NULL ELSE l.tiers_id END AS t, sum(debit - credit) AS s
		FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id WHERE e.exercice_id < 12 GROUP BY 1, 2, 3 HAVING s <> 0),
	opening AS (
		SELECT e.exercice_id AS x, l.compte AS c, l.tiers_id AS t, sum(debit - credit) AS s
		FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id WHERE e.origine = 'ANOUVEAU' GROUP BY 1, 2, 3)
	SELECT (SELECT count(*) FROM (SELECT * FROM closing EXCEPT SELECT * FROM opening))
		+ (SELECT count(*) FROM (SELECT * FROM opening EXCEPT SELECT * FROM closing))`
	if got := one[int](t, d, balances); got != 0 {
		t.Errorf("%d differences between à-nouveaux and previous closing balances", got)
	}
	checks := map[string]string{
		"12 exercices 2014–2025":  "SELECT count(*) = 12 AND min(code) = '2014' AND max(code) = '2025' FROM exercices",
		"2014–2023 closed":        "SELECT count(*) = 10 AND max(code) = '2023' FROM exercices WHERE cloture = 1",
		"11 à-nouveaux":           "SELECT count(*) = 11 FROM ecritures WHERE origine = 'ANOUVEAU' AND journal = 'AN' AND numero = 1",
		"empty BLOB":              "SELECT count(*) = 1 FROM annexes WHERE length(contenu) = 0 AND typeof(contenu) = 'blob'",
		"1 MB BLOB":               "SELECT count(*) = 1 FROM annexes WHERE length(contenu) = 1048576",
		"zero and 0xFF bytes":     "SELECT count(*) >= 2 FROM annexes WHERE instr(contenu, x'00') > 0 AND instr(contenu, x'FF') > 0",
		"very long libelle":       "SELECT max(length(CAST(libelle AS BLOB))) > 19000 FROM lignes",
		"emoji":                   "SELECT count(*) > 0 FROM lignes WHERE libelle LIKE '%👍%'",
		"USD":                     "SELECT count(*) = 2 FROM lignes WHERE devise = 'USD' AND montant_devise = 32550",
		"unknown table":           "SELECT count(*) = 4 FROM notes_internes",
		"blob in a TEXT column":   "SELECT typeof(texte) = 'blob' FROM notes_internes WHERE cle = 'binaire'",
		"view":                    "SELECT count(*) > 0 FROM v_soldes",
		"trigger and extra index": "SELECT count(*) = 2 FROM sqlite_master WHERE name IN ('notes_internes_maj', 'lignes_lettrage')",
		"NULL type_mime":          "SELECT count(*) = 1 FROM annexes WHERE type_mime IS NULL",
		"NULL tiers contact":      "SELECT count(*) > 0 FROM tiers WHERE email IS NULL AND telephone IS NULL AND adresse IS NULL",
		"NULL piece":              "SELECT count(*) > 0 FROM ecritures WHERE piece_ref IS NULL AND piece_date IS NULL AND date_validation IS NULL",
		"NULL line columns":       "SELECT count(*) > 0 FROM lignes WHERE tiers_id IS NULL AND libelle IS NULL AND lettrage IS NULL AND date_lettrage IS NULL AND montant_devise IS NULL AND devise IS NULL",
		"lettrage on both sides":  "SELECT count(*) = 12 FROM (SELECT ecriture_id FROM lignes WHERE lettrage = 'AA' GROUP BY substr(date_lettrage, 1, 4) HAVING sum(debit) = sum(credit) AND count(*) = 2)",
		"accents round-trip":      "SELECT nom = 'L''Atelier Günther 🔧' FROM tiers WHERE id = 4",
	}
	for what, q := range checks {
		if !one[bool](t, d, q) {
			t.Errorf("%s: false", what)
		}
	}
}

func TestBuildV1Options(t *testing.T) {
	path := filepath.Join(t.TempDir(), "004TEST.db")
	dossiertest.BuildV1(t, path, dossiertest.WithNumero("004"), dossiertest.WithNom("TEST"),
		dossiertest.WithIdentifiant("00000000-0000-4000-8000-000000000004"),
		dossiertest.WithSession("POSTE-2", "Marie", "Compta"), dossiertest.WithWAL())
	d := db(t, path)
	if got := one[string](t, d, "PRAGMA journal_mode"); got != "wal" {
		t.Errorf("journal_mode = %q, want wal", got)
	}
	if got := one[string](t, d, "SELECT numero || nom || ' ' || identifiant FROM dossier"); got != "004TEST 00000000-0000-4000-8000-000000000004" {
		t.Errorf("identity = %q", got)
	}
	if got := one[string](t, d, "SELECT poste || '/' || utilisateur || '/' || programme FROM sessions"); got != "POSTE-2/Marie/Compta" {
		t.Errorf("session = %q", got)
	}
	d.Close()
	if rows := dossiertest.Dump(t, path)["sessions"]; len(rows) != 1 {
		t.Errorf("dump of the WAL dossier has sessions %v", rows)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Errorf("Dump left %s-wal behind", path)
	}
}

func TestDump(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	dossiertest.BuildV1(t, a)
	dossiertest.BuildV1(t, b)
	da := dossiertest.Dump(t, a)
	if d := dossiertest.Diff(da, dossiertest.Dump(t, a)); d != "" {
		t.Errorf("dump differs from itself: %s", d)
	}
	if d := dossiertest.Diff(da, dossiertest.Dump(t, b)); d != "" {
		t.Errorf("two builds differ: %s", d)
	}
	if dossiertest.RowHash(t, a) != dossiertest.RowHash(t, b) {
		t.Error("two builds have different row hashes")
	}
	for _, table := range []string{"dossier", "exercices", "journaux", "comptes", "tiers", "ecritures", "lignes", "annexes", "notes_internes", dossiertest.MasterKey} {
		if len(da[table]) == 0 {
			t.Errorf("dump has no rows for %s", table)
		}
	}
	if rows, ok := da["sessions"]; !ok || len(rows) != 0 {
		t.Errorf("sessions: %v, %v; want present and empty", rows, ok)
	}
	var kinds []string
	for _, r := range da[dossiertest.MasterKey] {
		if r[1] == "v_soldes" || r[1] == "notes_internes_maj" || r[1] == "lignes_lettrage" {
			kinds = append(kinds, r[0].(string))
		}
	}
	if strings.Join(kinds, ",") != "index,trigger,view" {
		t.Errorf("schema objects = %v", kinds)
	}
	// Typed values: an INTEGER stays int64, a REAL float64, a BLOB []byte,
	// the empty BLOB is not NULL.
	for _, r := range da["annexes"] {
		if _, ok := r[4].([]byte); !ok {
			t.Errorf("annexe %v: contenu is %T", r[0], r[4])
		}
	}
	for _, r := range da["notes_internes"] {
		if r[0] == "relance-café" && r[2] != 1234.5 {
			t.Errorf("montant = %#v", r[2])
		}
		if r[0] == "nombre" && r[1] != "42" {
			t.Errorf("texte = %#v (TEXT affinity stores 42 as text)", r[1])
		}
	}

	// One byte changed in the 1 MB BLOB is reported.
	d := db(t, b)
	blob := dossiertest.BigBlob()
	blob[500000]++
	if _, err := d.Exec(`UPDATE annexes SET contenu = ? WHERE id = 3`, blob); err != nil {
		t.Fatal(err)
	}
	d.Close()
	diff := dossiertest.Diff(da, dossiertest.Dump(t, b))
	if !strings.Contains(diff, `table "annexes", row 3: column 5`) {
		t.Errorf("diff after one changed byte = %q", diff)
	}
	if dossiertest.RowHash(t, a) == dossiertest.RowHash(t, b) {
		t.Error("row hash unchanged after one changed byte")
	}
}

func TestDiff(t *testing.T) {
	base := map[string][][]any{"t": {{int64(1), "é", []byte{0}, nil, 1.5}}}
	cases := []struct {
		name  string
		other map[string][][]any
		want  string
	}{
		{"equal", map[string][][]any{"t": {{int64(1), "é", []byte{0}, nil, 1.5}}}, ""},
		{"int vs float", map[string][][]any{"t": {{1.0, "é", []byte{0}, nil, 1.5}}}, "column 1"},
		{"NULL vs empty", map[string][][]any{"t": {{int64(1), "é", []byte{0}, "", 1.5}}}, "column 4: NULL"},
		{"blob", map[string][][]any{"t": {{int64(1), "é", []byte{1}, nil, 1.5}}}, "column 3: BLOB"},
		{"extra row", map[string][][]any{"t": {{int64(1), "é", []byte{0}, nil, 1.5}, {}}}, "1 rows ≠ 2 rows"},
		{"missing table", map[string][][]any{}, "only in the first dump"},
		{"extra table", map[string][][]any{"t": base["t"], "u": {}}, "only in the second dump"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := dossiertest.Diff(base, c.other)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Errorf("Diff = %q, want %q", got, c.want)
			}
			if (got == "") != (dossiertest.HashDump(base) == dossiertest.HashDump(c.other)) {
				t.Errorf("HashDump disagrees with Diff")
			}
		})
	}
}

func TestBuildPlain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.db")
	dossiertest.BuildPlain(t, path)
	d := dossiertest.Dump(t, path)
	if _, ok := d["dossier"]; ok {
		t.Error("plain database has a dossier table")
	}
	// DATE and BOOLEAN columns come back as stored, not as time.Time / bool.
	clients := d["clients"]
	if len(clients) != 3 || clients[0][4] != "2024-01-31" || clients[1][2] != nil || clients[2][0] != int64(4) {
		t.Errorf("clients = %v", clients)
	}
	if ev := d["evenements"]; len(ev) != 3 || ev[0][2] != int64(1) {
		t.Errorf("evenements = %v", ev)
	}
	// WITHOUT ROWID rows come ordered by all columns.
	var keys []string
	for _, r := range d["parametres"] {
		keys = append(keys, r[0].(string))
	}
	if strings.Join(keys, ",") != "logo,nom,rien,taux,version" {
		t.Errorf("parametres order = %v", keys)
	}
	if seq := d["sqlite_sequence"]; len(seq) != 1 || seq[0][1] != int64(4) {
		t.Errorf("sqlite_sequence = %v", seq)
	}
}

func TestBuildRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "001SOC.db")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { recover() }()
		dossiertest.BuildV1(ft, path)
	}()
	if !ft.failed {
		t.Error("BuildV1 over an existing file did not fail")
	}
}

// fatalRecorder records Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	panic("fatal")
}

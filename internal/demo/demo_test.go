package demo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/internal/demo"
	"coffre/internal/dossier"

	_ "github.com/mattn/go-sqlite3"
)

// The normal demo is generated once and shared by the checks below.
var (
	once     sync.Once
	demoDir  string
	demoErr  error
	demoList []string
	demoTime time.Duration
)

func generated(t *testing.T) []string {
	t.Helper()
	once.Do(func() {
		var err error
		demoDir, err = os.MkdirTemp("", "coffre-demo-")
		if err != nil {
			demoErr = err
			return
		}
		start := time.Now()
		demoList, demoErr = demo.Generate(context.Background(), demoDir, demo.Options{})
		demoTime = time.Since(start)
	})
	if demoErr != nil {
		t.Fatalf("Generate: %v", demoErr)
	}
	return demoList
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_foreign_keys=on")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func one[T any](t *testing.T, db *sql.DB, query string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

func TestGenerateNames(t *testing.T) {
	paths := generated(t)
	want := []string{"001SOC.db", "002BOULANG.db", "003GARAGE.db"}
	if len(paths) != len(want) {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	for i, p := range paths {
		if filepath.Base(p) != want[i] || filepath.Dir(p) != demoDir {
			t.Errorf("path %d = %s, want %s in %s", i, p, want[i], demoDir)
		}
	}
	entries, _ := os.ReadDir(demoDir)
	if len(entries) != len(want) {
		t.Errorf("dir holds %d files, want only the dossiers", len(entries))
	}
	fi, err := os.Stat(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	db := open(t, paths[0])
	lignes := one[int64](t, db, "SELECT count(*) FROM lignes")
	t.Logf("normal demo generated in %v; 001SOC: %.1f MB, %d lignes", demoTime.Round(time.Millisecond), float64(fi.Size())/(1<<20), lignes)
	if fi.Size() < 2<<20 || fi.Size() > 5<<20 {
		t.Errorf("001SOC is %d bytes, want 2 to 5 MB", fi.Size())
	}
	if lignes < 12000 || lignes > 20000 {
		t.Errorf("001SOC has %d lignes, want about 15 000", lignes)
	}
}

func TestDossierInvariants(t *testing.T) {
	type want struct {
		raison            string
		exercices         int
		firstCode, debut  string
		lastCode, lastFin string
		sessions          int
	}
	wants := []want{
		{"Société Exemple SARL", 10, "2016", "2016-01-01", "2025", "2025-12-31", 0},
		{"Boulangerie Lefèvre & Fils", 4, "2023", "2022-07-01", "2026", "2026-06-30", 1},
		{"Garage de l'Étoile", 8, "2018", "2018-01-01", "2025", "2025-12-31", 0},
	}
	for i, path := range generated(t) {
		w := wants[i]
		t.Run(filepath.Base(path), func(t *testing.T) {
			db := open(t, path)
			if got := one[string](t, db, "PRAGMA integrity_check"); got != "ok" {
				t.Errorf("integrity_check = %q", got)
			}
			if got := one[string](t, db, "PRAGMA journal_mode"); got != "delete" {
				t.Errorf("journal_mode = %q", got)
			}
			rows, err := db.Query("PRAGMA foreign_key_check")
			if err != nil {
				t.Fatal(err)
			}
			if rows.Next() {
				t.Errorf("foreign_key_check reports violations")
			}
			rows.Close()
			if got := one[string](t, db, "SELECT sql FROM sqlite_master WHERE name = 'lignes'"); !strings.Contains(dossier.SchemaV1, got) {
				t.Errorf("lignes is not created by the schema v1 text: %s", got)
			}

			var raison, siren, devise, identifiant string
			var version int
			if err := db.QueryRow("SELECT raison_sociale, siren, devise, identifiant, version_schema FROM dossier").
				Scan(&raison, &siren, &devise, &identifiant, &version); err != nil {
				t.Fatal(err)
			}
			if raison != w.raison || devise != "EUR" || version != 1 {
				t.Errorf("dossier = %q %q %d", raison, devise, version)
			}
			if !validSIREN(siren) {
				t.Errorf("SIREN %q has no valid Luhn key", siren)
			}
			if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(identifiant) {
				t.Errorf("identifiant %q is not a UUID v4", identifiant)
			}

			var n int
			var first, debut, last, fin string
			if err := db.QueryRow(`SELECT count(*), min(code), min(debut), max(code), max(fin) FROM exercices`).Scan(&n, &first, &debut, &last, &fin); err != nil {
				t.Fatal(err)
			}
			if n != w.exercices || first != w.firstCode || debut != w.debut || last != w.lastCode || fin != w.lastFin {
				t.Errorf("exercices = %d %s %s…%s %s, want %+v", n, first, debut, last, fin, w)
			}
			if got := one[int](t, db, "SELECT count(*) FROM exercices WHERE cloture = 1"); got != w.exercices-1 {
				t.Errorf("%d closed exercices, want %d", got, w.exercices-1)
			}
			if got := one[int](t, db, "SELECT cloture FROM exercices WHERE code = ?", w.lastCode); got != 0 {
				t.Errorf("last exercice is closed")
			}
			if got := one[int](t, db, "SELECT count(*) FROM sessions"); got != w.sessions {
				t.Errorf("%d sessions, want %d", got, w.sessions)
			}
			if got := one[int](t, db, "SELECT count(*) FROM transferts"); got != 0 {
				t.Errorf("%d transferts, want 0", got)
			}

			zero := map[string]string{
				"unbalanced entries":          "SELECT count(*) FROM (SELECT ecriture_id FROM lignes GROUP BY ecriture_id HAVING sum(debit) <> sum(credit))",
				"entries without lines":       "SELECT count(*) FROM ecritures WHERE id NOT IN (SELECT ecriture_id FROM lignes)",
				"lines with debit and credit": "SELECT count(*) FROM lignes WHERE debit <> 0 AND credit <> 0",
				"all-zero lines":              "SELECT count(*) FROM lignes WHERE debit = 0 AND credit = 0",
				"negative amounts":            "SELECT count(*) FROM lignes WHERE debit < 0 OR credit < 0",
				"entries outside exercice":    "SELECT count(*) FROM ecritures e JOIN exercices x ON x.id = e.exercice_id WHERE e.date_ecriture NOT BETWEEN x.debut AND x.fin",
				"numbering gaps": `SELECT count(*) FROM (SELECT exercice_id FROM ecritures GROUP BY exercice_id
					HAVING min(numero) <> 1 OR max(numero) <> count(*))`,
				"numbers out of date order": `SELECT count(*) FROM ecritures a JOIN ecritures b
					ON a.exercice_id = b.exercice_id AND b.numero = a.numero + 1 WHERE b.date_ecriture < a.date_ecriture`,
				"à-nouveaux not first": `SELECT count(*) FROM ecritures WHERE origine = 'ANOUVEAU' AND (numero <> 1 OR journal <> 'AN'
					OR date_ecriture <> (SELECT debut FROM exercices WHERE id = exercice_id))`,
				"unbalanced lettrage": `SELECT count(*) FROM (SELECT compte, lettrage FROM lignes WHERE lettrage IS NOT NULL
					GROUP BY compte, lettrage HAVING sum(debit) <> sum(credit) OR count(*) < 2 OR count(date_lettrage) <> count(*))`,
				"unvalidated closed entries": `SELECT count(*) FROM ecritures e JOIN exercices x ON x.id = e.exercice_id
					WHERE x.cloture = 1 AND e.date_validation IS NULL`,
				"devise without amount": "SELECT count(*) FROM lignes WHERE (devise IS NULL) <> (montant_devise IS NULL)",
				"annexes not PDF":       "SELECT count(*) FROM annexes WHERE substr(contenu, 1, 8) <> CAST('%PDF-1.4' AS BLOB) OR type_mime <> 'application/pdf'",
			}
			for what, q := range zero {
				if got := one[int](t, db, q); got != 0 {
					t.Errorf("%s: %d", what, got)
				}
			}
			if got := one[int](t, db, "SELECT count(*) FROM ecritures WHERE origine = 'ANOUVEAU'"); got != w.exercices-1 {
				t.Errorf("%d à-nouveaux entries, want one per exercice but the first (%d)", got, w.exercices-1)
			}

			some := map[string]string{
				"NULL piece_ref":     "SELECT count(*) FROM ecritures WHERE piece_ref IS NULL",
				"NULL piece_date":    "SELECT count(*) FROM ecritures WHERE piece_date IS NULL",
				"NULL ligne libelle": "SELECT count(*) FROM lignes WHERE libelle IS NULL",
				"NULL tiers contact": "SELECT count(*) FROM tiers WHERE email IS NULL OR telephone IS NULL OR adresse IS NULL",
				"unvalidated open entries": `SELECT count(*) FROM ecritures e JOIN exercices x ON x.id = e.exercice_id
					WHERE x.cloture = 0 AND e.date_validation IS NULL`,
				"validated open entries": `SELECT count(*) FROM ecritures e JOIN exercices x ON x.id = e.exercice_id
					WHERE x.cloture = 0 AND e.date_validation IS NOT NULL`,
				"lettered lines":       "SELECT count(*) FROM lignes WHERE lettrage = 'AA' AND date_lettrage IS NOT NULL",
				"annexes with zero":    "SELECT count(*) FROM annexes WHERE instr(contenu, x'00') > 0 AND instr(contenu, x'ff') > 0",
				"accented file names":  "SELECT count(*) FROM annexes WHERE nom_fichier LIKE 'facture-%' AND nom_fichier <> CAST(nom_fichier AS BLOB) AND length(nom_fichier) < length(CAST(nom_fichier AS BLOB))",
				"sales":                "SELECT count(*) FROM ecritures WHERE journal = 'VEN'",
				"purchases":            "SELECT count(*) FROM ecritures WHERE journal = 'ACH'",
				"bank entries":         "SELECT count(*) FROM ecritures WHERE journal = 'BQ1'",
				"OD entries":           "SELECT count(*) FROM ecritures WHERE journal = 'OD'",
				"clients":              "SELECT count(*) FROM tiers WHERE type = 'C' AND compte = '411000'",
				"fournisseurs":         "SELECT count(*) FROM tiers WHERE type = 'F' AND compte = '401000'",
				"accented tiers names": "SELECT count(*) FROM tiers WHERE nom IN ('Électricité Dupré', 'L''Atelier Günther', 'Café Noël')",
			}
			for what, q := range some {
				if got := one[int](t, db, q); got == 0 {
					t.Errorf("no %s", what)
				}
			}
			if i == 2 { // the garage imports from the USA
				if got := one[int](t, db, "SELECT count(*) FROM lignes WHERE devise = 'USD' AND montant_devise > 0"); got == 0 {
					t.Errorf("no USD lines")
				}
			}
			if got := one[string](t, db, "SELECT libelle FROM journaux WHERE code = 'AN'"); got != "À-nouveaux" {
				t.Errorf("journal AN = %q", got)
			}
			checkANouveaux(t, db)
		})
	}
}

// checkANouveaux compares each à-nouveaux entry with the previous
// exercice's closing balances of classes 1 to 5 per (account, tiers), the
// result of classes 6 and 7 being carried on 120000.
func checkANouveaux(t *testing.T, db *sql.DB) {
	t.Helper()
	type key struct {
		exercice int
		compte   string
		tiers    sql.NullInt64
	}
	closing := map[key]int64{}
	rows, err := db.Query(`SELECT e.exercice_id + 1, CASE WHEN substr(l.compte, 1, 1) IN ('6', '7') THEN '120000' ELSE l.compte END,
		CASE WHEN substr(l.compte, 1, 1) IN ('6', '7') THEN NULL ELSE l.tiers_id END, sum(l.debit - l.credit)
		FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id
		WHERE e.exercice_id < (SELECT max(id) FROM exercices) GROUP BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var v int64
		if err := rows.Scan(&k.exercice, &k.compte, &k.tiers, &v); err != nil {
			t.Fatal(err)
		}
		closing[k] += v
	}
	rows.Close()
	opening := map[key]int64{}
	rows, err = db.Query(`SELECT e.exercice_id, l.compte, l.tiers_id, sum(l.debit - l.credit)
		FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id WHERE e.origine = 'ANOUVEAU' GROUP BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var v int64
		if err := rows.Scan(&k.exercice, &k.compte, &k.tiers, &v); err != nil {
			t.Fatal(err)
		}
		opening[k] = v
	}
	rows.Close()
	if len(opening) == 0 {
		t.Fatal("no à-nouveaux lines")
	}
	for k, v := range closing {
		if opening[k] != v {
			t.Errorf("exercice %d, %s tiers %v: à-nouveau %d, previous closing balance %d", k.exercice, k.compte, k.tiers, opening[k], v)
		}
	}
	for k, v := range opening {
		if closing[k] != v {
			t.Errorf("exercice %d, %s tiers %v: à-nouveau %d without closing balance", k.exercice, k.compte, k.tiers, v)
		}
	}
}

func validSIREN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		v := int(s[i] - '0')
		if v < 0 || v > 9 {
			return false
		}
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

func fileHashes(t *testing.T, paths []string) []string {
	t.Helper()
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		out = append(out, string(h[:]))
	}
	return out
}

func TestDeterministic(t *testing.T) {
	first := fileHashes(t, generated(t))
	again, err := demo.Generate(context.Background(), t.TempDir(), demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range fileHashes(t, again) {
		if h != first[i] {
			t.Errorf("%s differs between two runs with the same seed", filepath.Base(again[i]))
		}
	}
	other, err := demo.Generate(context.Background(), t.TempDir(), demo.Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if h := fileHashes(t, other[:1]); h[0] == first[0] {
		t.Errorf("seed 2 gives the same 001SOC as seed 1")
	}
}

func TestRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "002BOULANG.db")
	content := []byte("ne pas écraser")
	if err := os.WriteFile(existing, content, 0o644); err != nil {
		t.Fatal(err)
	}
	paths, err := demo.Generate(context.Background(), dir, demo.Options{})
	if !errors.Is(err, dossier.ErrExists) {
		t.Fatalf("Generate over an existing dossier: %v, %v; want ErrExists", paths, err)
	}
	if got, _ := os.ReadFile(existing); !bytes.Equal(got, content) {
		t.Errorf("existing dossier was modified")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d files after the refusal, want 1", len(entries))
	}
}

func TestCancel(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := demo.Generate(ctx, dir, demo.Options{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		assertEmpty(t, dir)
	})
	// Cancelled while the second dossier is being written: the first,
	// complete one is removed too, and no temporary file is left.
	t.Run("during", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var events []dossier.Event
		progress := func(e dossier.Event) {
			events = append(events, e)
			if e.Dossier == "002BOULANG" {
				cancel()
			}
		}
		if _, err := demo.Generate(ctx, dir, demo.Options{Progress: progress}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		assertEmpty(t, dir)
		first := events[0]
		if first.Phase != dossier.PhaseLecture || first.Dossier != "001SOC" {
			t.Errorf("first event = %+v", first)
		}
		var done bool
		for _, e := range events {
			if e.Dossier == "001SOC" && e.Total > 0 && e.Done == e.Total {
				done = true
			}
		}
		if !done {
			t.Errorf("no completion event for 001SOC in %v", events)
		}
	})
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

// TestGrow600 is a benchmark in disguise, run with COFFRE_LONG=1: it grows
// 001SOC to 600 MB and reports how long that took.
func TestGrow600(t *testing.T) {
	if os.Getenv("COFFRE_LONG") != "1" {
		t.Skip("COFFRE_LONG=1 to generate a 600 MB dossier")
	}
	dir := t.TempDir()
	start := time.Now()
	paths, err := demo.Generate(context.Background(), dir, demo.Options{SizeMB: 600})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	fi, err := os.Stat(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	mb := float64(fi.Size()) / (1 << 20)
	db := open(t, paths[0])
	t.Logf("SizeMB=600: %s is %.0f MB, %d lignes, %d annexes, generated in %v",
		filepath.Base(paths[0]), mb, one[int64](t, db, "SELECT count(*) FROM lignes"),
		one[int64](t, db, "SELECT count(*) FROM annexes"), elapsed.Round(time.Second))
	if mb < 600*0.85 || mb > 600*1.15 {
		t.Errorf("size %.0f MB, want 600 MB ±15 %%", mb)
	}
	if got := one[int](t, db, "SELECT count(*) FROM (SELECT ecriture_id FROM lignes GROUP BY ecriture_id HAVING sum(debit) <> sum(credit))"); got != 0 {
		t.Errorf("%d unbalanced entries", got)
	}
}

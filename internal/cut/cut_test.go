package cut_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/testenv"
)

func TestMain(m *testing.M) {
	pack.UseCheapScryptForTests()
	os.Exit(m.Run())
}

func query(t *testing.T, path, q string) []string {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		rows.Scan(&v)
		out = append(out, v.String)
	}
	return out
}

// balanceSQL is every (compte, tiers) balance over the exercices starting
// in the range.
const balanceSQL = `SELECT l.compte || '/' || COALESCE(l.tiers_id, '') || '=' || SUM(l.debit) || '-' || SUM(l.credit)
	FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id JOIN exercices x ON x.id = e.exercice_id
	WHERE x.debut %s '2020-01-01' GROUP BY l.compte, l.tiers_id ORDER BY 1`

func balances(t *testing.T, path, op string) string {
	t.Helper()
	return strings.Join(query(t, path, strings.Replace(balanceSQL, "%s", op, 1)), "\n")
}

// TestCutAt2020 splits the schema-v1 dossier at 2020: years, entries and
// balances go exactly where they belong, and the cut file restores as a
// dossier.
func TestCutAt2020(t *testing.T) {
	s, dir := testenv.Folder(t)
	orig := filepath.Join(dir, "001SOC.db")
	oldBal, keptBal := balances(t, orig, "<"), balances(t, orig, ">=")
	entries := query(t, orig, `SELECT id FROM ecritures ORDER BY id`)
	dest := t.TempDir()
	res, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: dest, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.CutPath != filepath.Join(dest, "001SOC_CUT001.db") || res.Sequence != 1 || res.SafetyBackup == "" || len(res.Warnings) != 0 {
		t.Fatalf("result %+v", res)
	}
	if strings.Join(res.Moved, ",") != "2014,2015,2016,2017,2018,2019" || strings.Join(res.Kept, ",") != "2020,2021,2022,2023,2024,2025" {
		t.Fatalf("moved %v kept %v", res.Moved, res.Kept)
	}
	if got := strings.Join(query(t, res.CutPath, `SELECT code FROM exercices ORDER BY code`), ","); got != "2014,2015,2016,2017,2018,2019" {
		t.Fatalf("cut file exercices %s", got)
	}
	if got := strings.Join(query(t, orig, `SELECT code FROM exercices ORDER BY code`), ","); got != "2020,2021,2022,2023,2024,2025" {
		t.Fatalf("dossier exercices %s", got)
	}
	// Every entry is in exactly one file.
	a := query(t, res.CutPath, `SELECT id FROM ecritures ORDER BY id`)
	b := query(t, orig, `SELECT id FROM ecritures ORDER BY id`)
	if len(a)+len(b) != len(entries) || int64(len(a)) != res.Ecritures {
		t.Fatalf("%d + %d entries for %d (result says %d moved)", len(a), len(b), len(entries), res.Ecritures)
	}
	if balances(t, res.CutPath, "<") != oldBal || balances(t, orig, ">=") != keptBal {
		t.Fatal("balances changed by the cut")
	}
	if got := query(t, res.CutPath, `SELECT id FROM annexes ORDER BY id`); strings.Join(got, ",") != "1,2" {
		t.Fatalf("cut file annexes %v", got)
	}
	if got := query(t, orig, `SELECT id FROM annexes ORDER BY id`); strings.Join(got, ",") != "3" {
		t.Fatalf("dossier annexes %v", got)
	}
	if id := query(t, res.CutPath, `SELECT identifiant FROM dossier`); id[0] == dossiertest.DefaultIdentifiant {
		t.Fatal("the cut file kept the dossier's identity")
	}
	if res.SizeAfter >= res.SizeBefore || res.CutSize <= 0 {
		t.Fatalf("sizes before %d after %d, cut %d", res.SizeBefore, res.SizeAfter, res.CutSize)
	}
	for _, p := range []string{orig, res.CutPath} {
		if got := query(t, p, `PRAGMA foreign_key_check`); len(got) != 0 {
			t.Fatalf("%s: broken references %v", p, got)
		}
	}
	// The cut file is imported like a backup.
	other := t.TempDir()
	s2, _ := sqlitestore.Open(other)
	rr, err := restore.Run(context.Background(), restore.Request{File: res.CutPath, Store: s2, SafetyDir: t.TempDir()})
	if err != nil || rr.Path != "001SOC.db" || !strings.Contains(fmt.Sprint(rr.Notes), "découpé") {
		t.Fatalf("restore of the cut file: %+v %v", rr, err)
	}
	// A second cut of the same dossier is number 2.
	res2, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2023", DestDir: dest, SafetyDir: t.TempDir()})
	if err != nil || res2.Sequence != 2 || filepath.Base(res2.CutPath) != "001SOC_CUT002.db" {
		t.Fatalf("second cut %+v %v", res2, err)
	}
}

func TestCutClean(t *testing.T) {
	s, dir := testenv.Folder(t)
	orig := filepath.Join(dir, "001SOC.db")
	res, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: t.TempDir(), Clean: true, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// Tiers 2 is never used; 4 and comptes 626000, 110000 only in 2025.
	if got := strings.Join(query(t, res.CutPath, `SELECT id FROM tiers ORDER BY id`), ","); got != "1,3" {
		t.Fatalf("cut file tiers %s", got)
	}
	if got := strings.Join(query(t, res.CutPath, `SELECT numero FROM comptes WHERE numero IN ('626000', '110000')`), ","); got != "" {
		t.Fatalf("cut file kept unused comptes %s", got)
	}
	if got := strings.Join(query(t, orig, `SELECT id FROM tiers ORDER BY id`), ","); got != "1,3,4" {
		t.Fatalf("dossier tiers %s", got)
	}
	if res.CleanedCut.Tiers != 2 || res.CleanedKept.Tiers != 1 || res.CleanedCut.Comptes != 2 {
		t.Fatalf("cleaned %+v %+v", res.CleanedCut, res.CleanedKept)
	}
}

func TestCutRefusals(t *testing.T) {
	s, dir := testenv.Folder(t)
	before := dossiertest.RowHash(t, filepath.Join(dir, "001SOC.db"))
	for _, c := range []struct {
		first, want string
	}{
		{"2014", "premier exercice"},
		{"1999", "pas d'exercice 1999"},
	} {
		_, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: c.first, DestDir: t.TempDir(), SafetyDir: t.TempDir()})
		if err == nil || !strings.Contains(i18n.Describe(err), c.want) {
			t.Fatalf("cut at %s: %v", c.first, err)
		}
	}
	plain := t.TempDir()
	dossiertest.BuildPlain(t, filepath.Join(plain, "002BASE.db"))
	p, _ := sqlitestore.Open(plain)
	_, err := cut.Run(context.Background(), cut.Request{Store: p, Numero: "002", FirstKept: "2020", DestDir: t.TempDir(), SafetyDir: t.TempDir()})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(i18n.Describe(err), "schéma version 1") {
		t.Fatalf("plain database: %v", err)
	}
	if dossiertest.RowHash(t, filepath.Join(dir, "001SOC.db")) != before {
		t.Fatal("a refused cut changed the dossier")
	}
}

func TestEligible(t *testing.T) {
	for _, c := range []struct {
		info dossier.Info
		want bool
	}{
		{dossier.Info{Schema: "v1", Exercices: 7}, true},
		{dossier.Info{Schema: "v1", Exercices: 6}, false},
		{dossier.Info{Schema: "", Exercices: 12}, false},
		{dossier.Info{Schema: "v1", Exercices: 12, Error: "illisible"}, false},
	} {
		if got := cut.Eligible(c.info); got != c.want {
			t.Errorf("Eligible(%+v) = %v", c.info, got)
		}
	}
}

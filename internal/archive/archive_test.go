package archive_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/archive"
	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/pack"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

// env is a connexion folder with one dossier, and folders for the archives
// and the safety backups.
type env struct {
	conn, dest, safety string
	store              *sqlitestore.Folder
	path               string
}

func newEnv(t *testing.T, build func(t *testing.T, path string)) *env {
	t.Helper()
	e := &env{conn: t.TempDir(), dest: t.TempDir(), safety: filepath.Join(t.TempDir(), "securite")}
	e.path = filepath.Join(e.conn, "001SOC.db")
	build(t, e.path)
	s, err := sqlitestore.Open(e.conn)
	if err != nil {
		t.Fatal(err)
	}
	e.store = s
	return e
}

func buildV1(t *testing.T, path string) { dossiertest.BuildV1(t, path) }

var today = time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)

func (e *env) archive(t *testing.T, codes ...string) (archive.Result, error) {
	t.Helper()
	return archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "001", Exercices: codes, DestDir: e.dest, SafetyDir: e.safety,
		Now: func() time.Time { return today }})
}

func (e *env) restore(t *testing.T, file string, del bool, codes ...string) (archive.RestoreResult, error) {
	t.Helper()
	return archive.Restore(context.Background(), archive.RestoreRequest{File: file, Store: e.store, Numero: "001", Exercices: codes,
		DeleteArchive: del, SafetyDir: e.safety, TempDir: t.TempDir()})
}

// trial is the trial balance: per compte, and per (compte, tiers).
type trial struct{ compte, pair map[string]int64 }

func trialBalance(t *testing.T, path string) trial {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := func(q string) map[string]int64 {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var k string
			var v int64
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	return trial{
		compte: read(`SELECT compte, SUM(debit) - SUM(credit) FROM lignes GROUP BY compte`),
		pair:   read(`SELECT compte || '/' || COALESCE(tiers_id, '-'), SUM(debit) - SUM(credit) FROM lignes GROUP BY compte, tiers_id`),
	}
}

func sameTrial(t *testing.T, when string, a, b trial) {
	t.Helper()
	if fmt.Sprint(a.compte) != fmt.Sprint(b.compte) || fmt.Sprint(a.pair) != fmt.Sprint(b.pair) {
		t.Fatalf("%s: trial balance changed:\n%v\n%v\n%v\n%v", when, a.compte, b.compte, a.pair, b.pair)
	}
}

func queryInt(t *testing.T, path, q string, args ...any) int64 {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestArchiveBuildV1 is the must-show: on a dossier built by someone else,
// archive 2014–2015, then de-archive: the exact rows come back, and the
// balances never change.
func TestArchiveBuildV1(t *testing.T) {
	e := newEnv(t, buildV1)
	before := dossiertest.Dump(t, e.path)
	tb := trialBalance(t, e.path)
	n2014 := queryInt(t, e.path, `SELECT COUNT(*) FROM ecritures WHERE exercice_id = 1`)

	res, err := e.archive(t, "2015", "2014")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "001-SOC_archive_2014-2015.paf" || res.Size <= 0 || res.SafetyBackup == "" || len(res.Exercices) != 2 {
		t.Fatalf("result %+v", res)
	}
	if res.Exercices[0].Code != "2014" || res.Ecritures != n2014+4 || res.Annexes != 2 {
		t.Fatalf("result %+v", res)
	}
	if _, err := verify.File(context.Background(), res.SafetyBackup, verify.Options{}); err != nil {
		t.Fatalf("safety backup: %v", err)
	}
	sameTrial(t, "after archiving", tb, trialBalance(t, e.path))
	// One balance entry per exercice, numbered after the exercice's last.
	for _, x := range res.Exercices {
		var lib, journal, origine, date string
		var num int64
		db, _ := sqlitestore.OpenRO(e.path)
		err := db.QueryRow(`SELECT libelle, journal, origine, date_ecriture, numero FROM ecritures WHERE exercice_id = ?`, x.ID).Scan(&lib, &journal, &origine, &date, &num)
		db.Close()
		if err != nil || lib != "Archivage de l'exercice "+x.Code || journal != "OD" || origine != "ARCHIVE" || date != x.Code+"-12-31" || num != x.BalanceNumero {
			t.Fatalf("balance entry of %s: %q %q %q %q %d %v", x.Code, lib, journal, origine, date, num, err)
		}
		if queryInt(t, e.path, `SELECT SUM(debit) - SUM(credit) FROM lignes WHERE ecriture_id = ?`, x.BalanceID) != 0 {
			t.Fatalf("balance entry of %s not balanced", x.Code)
		}
		if queryInt(t, e.path, `SELECT archive FROM exercices WHERE id = ?`, x.ID) != 1 {
			t.Fatal("exercice not marked")
		}
	}
	if n := queryInt(t, e.path, `SELECT COUNT(*) FROM annexes WHERE ecriture_id IN (1002, 1004)`); n != 0 {
		t.Fatalf("%d annexes of 2014 left", n)
	}

	// The .paf reads on its own: contenu, verification, its PAF data.
	m, info, err := archive.Inspect(context.Background(), res.Path)
	if err != nil || m.Kind != pack.KindPAF || strings.Join(info.Codes(), ",") != "2014,2015" || m.Dossier.Identifiant != dossiertest.DefaultIdentifiant {
		t.Fatalf("inspect: %v %+v", err, info)
	}
	if _, err := verify.File(context.Background(), res.Path, verify.Options{Complete: true}); err != nil {
		t.Fatalf("verify the .paf: %v", err)
	}

	// Archiving again is refused by name.
	if _, err := e.archive(t, "2014"); err == nil || !strings.Contains(err.Error(), "déjà archivé") {
		t.Fatalf("second archive: %v", err)
	}

	back, err := e.restore(t, res.Path, true)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Deleted || len(back.Exercices) != 2 || back.SafetyBackup == "" || back.Ecritures != res.Ecritures {
		t.Fatalf("restore result %+v", back)
	}
	if _, err := os.Stat(res.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("--supprimer-archive left the .paf")
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, e.path)); d != "" {
		t.Fatalf("de-archived dossier differs from the original: %s", d)
	}
}

func TestDefaultExercices(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 3, 1, 0, 0, 0, 0, time.Local), "2014,2015,2016,2017"},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.Local), "2014,2015,2016,2017"}, // 2017-12-31 + 7 years: that very day
		{time.Date(2024, 12, 30, 0, 0, 0, 0, time.Local), "2014,2015,2016"},
		{time.Date(2040, 1, 1, 0, 0, 0, 0, time.Local), "2014,2015,2016,2017,2018,2019,2020,2021,2022,2023"}, // open ones never
	} {
		e := newEnv(t, buildV1)
		now := c.now
		res, err := archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "001", DestDir: e.dest, SafetyDir: e.safety,
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, x := range res.Exercices {
			got = append(got, x.Code)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("today %s: archived %v, want %s", now.Format("2006-01-02"), got, c.want)
		}
	}
	e := newEnv(t, buildV1)
	_, err := archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "001", DestDir: e.dest, SafetyDir: e.safety,
		Now: func() time.Time { return time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local) }})
	if err == nil || !strings.Contains(err.Error(), "Aucun exercice à archiver") || !errors.Is(err, batch.ErrNothingToDo) {
		t.Fatalf("nothing old enough: %v (want a « nothing to do » fact)", err)
	}
}

// TestRefusals: every refusal names its reason, and leaves the dossier and
// the destination as they were.
func TestRefusals(t *testing.T) {
	e := newEnv(t, buildV1)
	dossiertest.BuildV1(t, filepath.Join(e.conn, "002AUTRE.db"), dossiertest.WithNumero("002"), dossiertest.WithNom("AUTRE"), dossiertest.WithIdentifiant("autre-identite"))
	dossiertest.BuildPlain(t, filepath.Join(e.conn, "003PLAIN.db"))
	hash := dossiertest.RowHash(t, e.path)
	for _, c := range []struct {
		name  string
		codes []string
		want  string
	}{
		{"open exercice", []string{"2024"}, "n'est pas clôturé"},
		{"unknown exercice", []string{"1999"}, "n'existe pas"},
		{"mixed", []string{"2014", "2025"}, "2025 du dossier 001 n'est pas clôturé"},
	} {
		if _, err := e.archive(t, c.codes...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	_, err := archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "003", Exercices: []string{"2014"}, DestDir: e.dest, SafetyDir: e.safety})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 1") {
		t.Errorf("non-v1: %v", err)
	}
	if entries, _ := os.ReadDir(e.dest); len(entries) != 0 {
		t.Fatalf("refusals left files: %v", entries)
	}
	if dossiertest.RowHash(t, e.path) != hash {
		t.Fatal("a refusal changed the dossier")
	}

	res, err := e.archive(t, "2014")
	if err != nil {
		t.Fatal(err)
	}
	// Another dossier's archive.
	_, err = archive.Restore(context.Background(), archive.RestoreRequest{File: res.Path, Store: e.store, Numero: "002", SafetyDir: e.safety})
	if !errors.Is(err, dossier.ErrNotRestorable) || !strings.Contains(err.Error(), "appartient au dossier 001SOC") {
		t.Errorf("other dossier: %v", err)
	}
	_, err = archive.Restore(context.Background(), archive.RestoreRequest{File: res.Path, Store: e.store, Numero: "003", SafetyDir: e.safety})
	if !errors.Is(err, dossier.ErrSchema) {
		t.Errorf("non-v1 target: %v", err)
	}
	if _, err := e.restore(t, res.Path, false, "2016"); err == nil || !strings.Contains(err.Error(), "n'est pas dans cette archive") {
		t.Errorf("exercice not in the archive: %v", err)
	}
	// A backup is not an archive.
	if _, err := e.restore(t, filepath.Join(e.safety, mustOne(t, e.safety)), false); err == nil || !strings.Contains(err.Error(), "n'est pas une archive") {
		t.Errorf("PBF as PAF: %v", err)
	}
	if _, err := e.restore(t, res.Path, false); err != nil {
		t.Fatal(err)
	}
	// Twice: nothing archived any more — « nothing to do » for all of the
	// archive, a refusal for an exercice named.
	if _, err := e.restore(t, res.Path, false); !errors.Is(err, batch.ErrNothingToDo) || !strings.Contains(err.Error(), "déjà tous remis") {
		t.Errorf("second restore: %v", err)
	}
	if _, err := e.restore(t, res.Path, false, "2014"); err == nil || !strings.Contains(err.Error(), "n'est pas archivé") {
		t.Errorf("second restore of 2014: %v", err)
	}
	if dossiertest.RowHash(t, e.path) != hash {
		t.Fatal("archive then restore changed the dossier")
	}
}

func mustOne(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("%s: %v", dir, err)
	}
	return entries[0].Name()
}

// TestRestoreAfterCleaning: a compte and a tiers used only by the archived
// exercice, deleted since (a cut with cleaning), are put back from the
// archive with the rows that use them.
func TestRestoreAfterCleaning(t *testing.T) {
	e := newEnv(t, buildV1)
	run := func(stmts ...string) {
		t.Helper()
		db, err := sql.Open("sqlite3", sqlitestore.DSN(e.path, "mode=rw&_foreign_keys=on"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	run(`INSERT INTO comptes VALUES ('467000', 'Autres comptes débiteurs ou créditeurs')`,
		`INSERT INTO tiers (id, code, nom, type, compte) VALUES (5, 'F005', 'Éphémère', 'F', '467000')`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (1005, 1, 'OD', 5, '2014-06-01', 'Aller-retour', '2014-12-31')`,
		`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, debit, credit) VALUES (10051, 1005, '467000', 5, 700, 0), (10052, 1005, '467000', 5, 0, 700)`)
	before := dossiertest.Dump(t, e.path)
	res, err := e.archive(t, "2014")
	if err != nil {
		t.Fatal(err)
	}
	run(`DELETE FROM tiers WHERE id = 5`, `DELETE FROM comptes WHERE numero = '467000'`)
	back, err := e.restore(t, res.Path, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Recreated, ",") != "comptes 467000,tiers 5" {
		t.Fatalf("recreated %v", back.Recreated)
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, e.path)); d != "" {
		t.Fatal(d)
	}
}

// TestPartialRestore puts exercices back one at a time: the archive stays
// until the last one is back, even with --supprimer-archive.
func TestPartialRestore(t *testing.T) {
	e := newEnv(t, buildV1)
	before := dossiertest.Dump(t, e.path)
	res, err := e.archive(t, "2016", "2017", "2018")
	if err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"2017", "2016", "2018"} {
		back, err := e.restore(t, res.Path, true, code)
		if err != nil {
			t.Fatal(err)
		}
		if back.Deleted != (i == 2) {
			t.Fatalf("after %s: deleted=%v", code, back.Deleted)
		}
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, e.path)); d != "" {
		t.Fatal(d)
	}
}

func TestCancel(t *testing.T) {
	e := newEnv(t, buildV1)
	hash := dossiertest.RowHash(t, e.path)
	for _, at := range []dossier.Phase{dossier.PhaseLecture, dossier.PhaseCompression, dossier.PhaseVerification, dossier.PhaseSecurite, archive.PhaseArchivage} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := archive.Run(ctx, archive.Request{Store: e.store, Numero: "001", Exercices: []string{"2014"}, DestDir: e.dest, SafetyDir: e.safety,
			Progress: func(ev dossier.Event) {
				if ev.Phase == at {
					cancel()
				}
			}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel at %s: %v", at, err)
		}
		if dossiertest.RowHash(t, e.path) != hash {
			t.Fatalf("cancel at %s changed the dossier", at)
		}
		for _, name := range names(t, e.dest) {
			t.Fatalf("cancel at %s left %s", at, name)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

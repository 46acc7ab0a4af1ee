package admin_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"coffre/internal/admin"
	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

func source(t *testing.T) (*sqlitestore.Folder, string) {
	t.Helper()
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"))
	s, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, filepath.Join(dir, "001SOC.db")
}

func run(t *testing.T, s *sqlitestore.Folder, req admin.Request) (admin.Result, string, error) {
	t.Helper()
	if req.DestDir == "" {
		req.DestDir = t.TempDir()
	}
	req.Source = store.InStore(s, "001")
	res, err := admin.Run(context.Background(), req)
	return res, req.DestDir, err
}

func scalar(t *testing.T, path, q string, args ...any) any {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v any
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func tableNames(res admin.Result) string {
	var n []string
	for _, t := range res.Tables {
		n = append(n, t.Name)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

// TestComplete2024 is the must-show: the complete copy and the FEC for 2024
// of the dossier built by someone else.
func TestComplete2024(t *testing.T) {
	s, src := source(t)
	res, dir, err := run(t, s, admin.Request{Exercices: []string{"2024"}, FEC: true})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "Admin001SOC_2024.db" || res.Size <= 0 || len(res.FEC) != 1 {
		t.Fatalf("result %+v", res)
	}
	p := res.Path
	if scalar(t, p, "PRAGMA application_id") != int64(admin.ApplicationID) || scalar(t, p, "SELECT valeur FROM "+admin.MarkerTable+" WHERE cle = 'exercices'") != "2024" {
		t.Fatal("copy not marked")
	}
	if scalar(t, p, "SELECT group_concat(code) FROM exercices") != "2024" {
		t.Fatal("other exercices kept")
	}
	for _, table := range []string{"ecritures", "lignes"} {
		q := "SELECT COUNT(*) FROM ecritures WHERE exercice_id = 11"
		if table == "lignes" {
			q = "SELECT COUNT(*) FROM lignes WHERE ecriture_id IN (SELECT id FROM ecritures WHERE exercice_id = 11)"
		}
		want := scalar(t, src, q)
		if got := scalar(t, p, "SELECT COUNT(*) FROM "+table); got != want || want == int64(0) {
			t.Fatalf("%s: %v in the copy, %v for 2024 in the dossier", table, got, want)
		}
	}
	// Complete: every table, the tiers whole, the unknown table and the
	// trigger kept; no annexes and no sessions.
	if got := tableNames(res); got != "annexes,coffre_copie_administration,comptes,dossier,ecritures,exercices,journaux,lignes,notes_internes,sessions,tiers,transferts" {
		t.Fatalf("tables %s", got)
	}
	if scalar(t, p, "SELECT COUNT(*) FROM annexes") != int64(0) || scalar(t, p, "SELECT email FROM tiers WHERE id = 1") != "noel@example.fr" ||
		scalar(t, p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") != int64(1) {
		t.Fatal("complete copy content")
	}
	// The FEC: name, one line per ligne, debit = credit.
	f := res.FEC[0]
	if filepath.Base(f.Path) != dossiertest.SIREN+"FEC20241231.txt" || filepath.Dir(f.Path) != dir {
		t.Fatalf("FEC %s", f.Path)
	}
	b, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if !strings.HasPrefix(lines[0], "JournalCode\tJournalLib\tEcritureNum\t") || int64(len(lines)-1) != scalar(t, p, "SELECT COUNT(*) FROM lignes") {
		t.Fatalf("FEC: %d lines, header %q", len(lines)-1, lines[0])
	}
	if f.Debit != f.Credit || f.Debit != scalar(t, p, "SELECT SUM(debit) FROM lignes") {
		t.Fatalf("FEC totals %+v", f)
	}
	if bytes.Contains(b, []byte{0xC3}) || !bytes.Contains(b, []byte("Caf\xe9 No\xebl")) {
		t.Fatal("FEC not in ISO-8859-15")
	}
}

// TestSimplified: only the accounting tables, tiers without contact data,
// annexes on request, and nothing of the rest left in the file's bytes.
func TestSimplified(t *testing.T) {
	s, _ := source(t)
	res, _, err := run(t, s, admin.Request{Exercices: []string{"2015", "2014"}, Simplified: true, Annexes: true})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "Admin001SOC_2014-2015.db" || strings.Join(res.Exercices, ",") != "2014,2015" {
		t.Fatalf("result %+v", res)
	}
	if got := tableNames(res); got != "annexes,coffre_copie_administration,comptes,dossier,ecritures,exercices,journaux,lignes,tiers" {
		t.Fatalf("tables %s", got)
	}
	p := res.Path
	if scalar(t, p, "SELECT group_concat(name) FROM pragma_table_info('tiers')") != "id,code,nom,type,compte" {
		t.Fatal("tiers keep contact columns")
	}
	if scalar(t, p, "SELECT group_concat(id) FROM (SELECT id FROM tiers ORDER BY id)") != "1,3" || scalar(t, p, "SELECT COUNT(*) FROM annexes") != int64(2) {
		t.Fatal("simplified content")
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"noel@example.fr", "Relancer", "INV-2025-0612", "place de l"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%q still in the file's bytes", secret)
		}
	}
	// Other names: a run gets a dash, a gap an underscore.
	res, _, err = run(t, s, admin.Request{Exercices: []string{"2019", "2023"}, Simplified: true})
	if err != nil || filepath.Base(res.Path) != "Admin001SOC_2019_2023.db" {
		t.Fatalf("%v %s", err, res.Path)
	}
}

// TestRefusals: each refusal says why and leaves nothing behind; a FEC that
// fails its rules stops the whole operation before anything is written.
func TestRefusals(t *testing.T) {
	s, src := source(t)
	dossiertest.BuildPlain(t, filepath.Join(filepath.Dir(src), "002PLAIN.db"))
	for _, c := range []struct {
		name   string
		numero string
		req    admin.Request
		want   string
	}{
		{"no exercice", "001", admin.Request{}, "Indiquez le ou les exercices"},
		{"unknown", "001", admin.Request{Exercices: []string{"2024", "1999"}}, "1999 n'existe pas"},
		{"FEC rules", "001", admin.Request{Exercices: []string{"2024", "2025"}, FEC: true}, "validées"},
		{"non-v1", "002", admin.Request{Exercices: []string{"2024"}}, "schéma version 1"},
	} {
		dir := t.TempDir()
		c.req.DestDir, c.req.Source = dir, store.InStore(s, c.numero)
		_, err := admin.Run(context.Background(), c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if c.name == "non-v1" && !errors.Is(err, dossier.ErrSchema) {
			t.Errorf("non-v1: %v is not ErrSchema", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s: left %v", c.name, entries)
		}
	}
}

// TestRestoreRefusesCopy: restaurer refuses the copy by its content, even
// renamed 001SOC.db, and a backup of it.
func TestRestoreRefusesCopy(t *testing.T) {
	s, _ := source(t)
	res, dir, err := run(t, s, admin.Request{Exercices: []string{"2024"}})
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(dir, "001SOC.db")
	if err := os.Rename(res.Path, renamed); err != nil {
		t.Fatal(err)
	}
	target, err := sqlitestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{renamed} {
		_, err := restore.Run(context.Background(), restore.Request{File: file, Store: target, SafetyDir: t.TempDir()})
		if !errors.Is(err, dossier.ErrNotRestorable) || !strings.Contains(err.Error(), "copie pour l'administration fiscale") {
			t.Fatalf("restore %s: %v", filepath.Base(file), err)
		}
	}
	b, err := backup.Run(context.Background(), backup.Request{Source: sqlitestore.File(renamed), DestDir: t.TempDir(), Now: func() time.Time { return time.Now() }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restore.Run(context.Background(), restore.Request{File: b.Path, Store: target, SafetyDir: t.TempDir()}); !errors.Is(err, dossier.ErrNotRestorable) {
		t.Fatalf("restore of a backup of the copy: %v", err)
	}
	if list, _ := target.List(context.Background()); len(list) != 0 {
		t.Fatalf("restored anyway: %+v", list)
	}
}

// TestCancel: cancelled at any phase, nothing is left in the destination.
func TestCancel(t *testing.T) {
	s, _ := source(t)
	for _, at := range []dossier.Phase{dossier.PhaseLecture, admin.PhaseAdministration, dossier.PhaseControle} {
		ctx, cancel := context.WithCancel(context.Background())
		dir := t.TempDir()
		_, err := admin.Run(ctx, admin.Request{Source: store.InStore(s, "001"), Exercices: []string{"2024"}, DestDir: dir, FEC: true,
			Progress: func(e dossier.Event) {
				if e.Phase == at {
					cancel()
				}
			}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel at %s: %v", at, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("cancel at %s left %v", at, entries)
		}
	}
}

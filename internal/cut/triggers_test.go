package cut_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/testenv"
)

// The dossier's own triggers, in plain SQL: a realistic one (deleting a
// lettered line clears the lettering of its partners — every year of
// BuildV1 letters 411000/Café Noël with « AA »), and hostile ones reaching
// the years kept, the annexes, the tiers and a table the schema does not
// know.
var (
	realisticTrigger = `CREATE TRIGGER delettrer_partenaires AFTER DELETE ON lignes WHEN OLD.lettrage IS NOT NULL
		BEGIN UPDATE lignes SET lettrage = NULL, date_lettrage = NULL
		WHERE compte = OLD.compte AND tiers_id IS OLD.tiers_id AND lettrage = OLD.lettrage; END`
	hostileTriggers = []string{
		`CREATE TRIGGER h_annexes AFTER DELETE ON annexes BEGIN DELETE FROM annexes; END`,
		`CREATE TRIGGER h_tiers AFTER DELETE ON ecritures BEGIN UPDATE tiers SET email = NULL, telephone = NULL; END`,
		`CREATE TRIGGER h_libelles BEFORE DELETE ON lignes BEGIN UPDATE lignes SET libelle = 'effacé' WHERE id <> OLD.id; END`,
		`CREATE TRIGGER h_notes AFTER DELETE ON exercices BEGIN DELETE FROM notes_internes; UPDATE dossier SET raison_sociale = 'X'; END`,
		`CREATE TRIGGER h_sessions AFTER DELETE ON sessions BEGIN DELETE FROM notes_internes; END`,
	}
)

// exercice ids of BuildV1: 2014 is 1 … 2025 is 12.
var (
	oldIDs  = []int64{1, 2, 3, 4, 5, 6}
	keptIDs = []int64{7, 8, 9, 10, 11, 12}
)

// TestCutTriggersSetAside: a cut at 2020 of a dossier whose triggers would
// clear the 2020–2025 lettering, delete the kept annexes, the tiers' e-mail
// and the libellés: the dossier's kept years and every other table come out
// exactly as they went in, the cut file holds the old years exactly as the
// dossier had them, and both files keep the triggers.
func TestCutTriggersSetAside(t *testing.T) {
	for _, c := range []struct {
		name     string
		triggers []string
		clean    bool
	}{
		{"realiste", []string{realisticTrigger}, false},
		{"hostiles", hostileTriggers, false},
		{"hostiles-nettoyer", hostileTriggers, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, dir := testenv.Folder(t)
			orig := filepath.Join(dir, "001SOC.db")
			db, err := sql.Open("sqlite3", sqlitestore.DSN(orig, "mode=rw"))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range c.triggers {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%v\n%s", err, q)
				}
			}
			db.Close()
			pristine := dossiertest.Dump(t, orig)
			res, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: t.TempDir(), SafetyDir: t.TempDir(), Clean: c.clean})
			if err != nil {
				t.Fatal(err)
			}
			var drop []string
			if c.clean {
				drop = []string{"tiers", "comptes"} // TestCutClean checks what cleaning removes
			}
			kept := dossiertest.Dump(t, orig)
			if d := dossiertest.Diff(dossiertest.WithoutExercices(pristine, oldIDs, drop...), dossiertest.WithoutExercices(kept, oldIDs, drop...)); d != "" {
				t.Fatalf("the cut changed the years kept or other tables:\n%s", d)
			}
			drop = append(drop, "dossier", "sessions", "transferts")
			moved := dossiertest.Dump(t, res.CutPath)
			if d := dossiertest.Diff(dossiertest.WithoutExercices(pristine, keptIDs, drop...), dossiertest.WithoutExercices(moved, keptIDs, drop...)); d != "" {
				t.Fatalf("the cut file does not hold the old years as they were:\n%s", d)
			}
			if q := query(t, orig, `SELECT COUNT(*) FROM lignes WHERE lettrage = 'AA'`); q[0] != "12" {
				t.Fatalf("%s lettered lines kept in 2020–2025, want 12", q[0])
			}
		})
	}
}

// TestSchemaVersion2Refused: a dossier row saying schema version 2 is
// refused in French before anything is written.
func TestSchemaVersion2Refused(t *testing.T) {
	s, dir := testenv.Folder(t)
	orig := filepath.Join(dir, "001SOC.db")
	db, err := sql.Open("sqlite3", sqlitestore.DSN(orig, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE dossier SET version_schema = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := dossiertest.RowHash(t, orig)
	dest := t.TempDir()
	_, err = cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: dest, SafetyDir: t.TempDir()})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 || dossiertest.RowHash(t, orig) != before {
		t.Fatalf("written %v, or the dossier changed", entries)
	}
}

// TestFailedCutLeavesNothing: the cut file is written, then the cut fails
// (here its safety backup cannot be written): the cut file is removed, the
// dossier is as before, and the next cut is number 1 again.
func TestFailedCutLeavesNothing(t *testing.T) {
	s, dir := testenv.Folder(t)
	orig := filepath.Join(dir, "001SOC.db")
	before := dossiertest.RowHash(t, orig)
	dest := t.TempDir()
	notADir := filepath.Join(t.TempDir(), "securite")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: dest, SafetyDir: notADir})
	if err == nil || res.CutPath != "" {
		t.Fatalf("cut %+v, %v: want a failure without a cut file", res, err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("left in the destination: %v", entries)
	}
	if dossiertest.RowHash(t, orig) != before {
		t.Fatal("the dossier changed")
	}
	res, err = cut.Run(context.Background(), cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: dest, SafetyDir: t.TempDir()})
	if err != nil || filepath.Base(res.CutPath) != "001SOC_CUT001.db" {
		t.Fatalf("next cut %+v, %v", res, err)
	}
}

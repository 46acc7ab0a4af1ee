package archive_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// Triggers a management program could carry, in plain SQL: a realistic one
// (deleting a lettered line clears the lettering of its partners), and
// hostile ones that reach rows the operation does not move.
var (
	realisticTrigger = `CREATE TRIGGER delettrer_partenaires AFTER DELETE ON lignes WHEN OLD.lettrage IS NOT NULL
		BEGIN UPDATE lignes SET lettrage = NULL, date_lettrage = NULL
		WHERE compte = OLD.compte AND tiers_id IS OLD.tiers_id AND lettrage = OLD.lettrage; END`
	hostileTriggers = []string{
		`CREATE TRIGGER h_annexes AFTER DELETE ON annexes BEGIN DELETE FROM annexes; END`,
		`CREATE TRIGGER h_tiers AFTER DELETE ON ecritures BEGIN UPDATE tiers SET email = NULL, telephone = NULL; END`,
		`CREATE TRIGGER h_libelles BEFORE DELETE ON lignes BEGIN UPDATE lignes SET libelle = 'effacé' WHERE id <> OLD.id; END`,
		`CREATE TRIGGER h_insert AFTER INSERT ON lignes BEGIN UPDATE ecritures SET libelle = 'réécrit' WHERE id <> NEW.ecriture_id; END`,
		`CREATE TRIGGER h_notes AFTER UPDATE OF archive ON exercices BEGIN DELETE FROM notes_internes; END`,
	}
)

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}

// TestTriggersSetAside: archiving 2014 and putting it back, on a dossier
// whose own triggers would clear the lettering of every other year, delete
// the other annexes, the tiers' e-mails, rewrite libellés. Every row outside
// 2014 comes out exactly as it went in, the triggers are still there, and
// archive + de-archive gives the dossier back row for row.
func TestTriggersSetAside(t *testing.T) {
	for _, c := range []struct {
		name     string
		triggers []string
	}{
		{"realiste", []string{realisticTrigger}},
		{"hostiles", hostileTriggers},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, buildV1)
			execSQL(t, e.path, c.triggers...)
			pristine := dossiertest.Dump(t, e.path)
			if n := queryInt(t, e.path, `SELECT COUNT(*) FROM lignes WHERE lettrage IS NOT NULL AND ecriture_id >= 2000`); n == 0 {
				t.Fatal("no lettered line outside 2014: the test proves nothing")
			}
			res, err := e.archive(t, "2014")
			if err != nil {
				t.Fatal(err)
			}
			if d := dossiertest.Diff(dossiertest.WithoutExercices(pristine, []int64{1}), dossiertest.WithoutExercices(dossiertest.Dump(t, e.path), []int64{1})); d != "" {
				t.Fatalf("archiving changed rows outside 2014:\n%s", d)
			}
			if _, err := e.restore(t, res.Path, false); err != nil {
				t.Fatal(err)
			}
			if d := dossiertest.Diff(pristine, dossiertest.Dump(t, e.path)); d != "" {
				t.Fatalf("archive + de-archive is not the identity:\n%s", d)
			}
		})
	}
}

// TestCascadeOutsideRefused: a table the schema does not know references
// the lines with ON DELETE CASCADE. Archiving would delete its rows, which
// no .paf keeps: the content check sees it, the transaction is rolled back
// with a French message, the dossier is as before and no .paf is left.
func TestCascadeOutsideRefused(t *testing.T) {
	e := newEnv(t, buildV1)
	execSQL(t, e.path,
		`CREATE TABLE rapprochements (id INTEGER PRIMARY KEY, ligne_id INTEGER NOT NULL REFERENCES lignes(id) ON DELETE CASCADE, releve TEXT)`,
		`INSERT INTO rapprochements (ligne_id, releve) SELECT id, 'relevé ' || id FROM lignes WHERE compte = '512000'`)
	before := dossiertest.RowHash(t, e.path)
	_, err := e.archive(t, "2014")
	if err == nil || !strings.Contains(err.Error(), "rapprochements") || !strings.Contains(err.Error(), "rien n'a été modifié") {
		t.Fatalf("got %v, want the archive refused naming rapprochements", err)
	}
	if dossiertest.RowHash(t, e.path) != before {
		t.Fatal("the dossier changed")
	}
	if entries, _ := os.ReadDir(e.dest); len(entries) != 0 {
		t.Fatalf("left in the destination: %v", names(t, e.dest))
	}
}

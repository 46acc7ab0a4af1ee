//go:build unix

package faulttest

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"coffre/internal/store/sqlitestore"
)

// execDossier runs statements on the world's dossier, as the management
// software would.
func execDossier(t *testing.T, path string, stmts ...string) {
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

// TestHostileDossierVersion: a dossier whose tables are schema v1's but
// whose row says version_schema = 2 is refused by every operation that
// needs schema v1, in French, before anything is written.
func TestHostileDossierVersion(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"archiver", "desarchiver", "decouper", "administration", "transfert-import", "transfert-export-ptf"} {
		op := findOp(t, name)
		t.Run(name, func(t *testing.T) {
			w := op.newWorld(t)
			execDossier(t, w.dossier(), `UPDATE dossier SET version_schema = 2`)
			before := checkedHash(t, w.dossier())
			outputs := map[string][]string{w.out: listNames(w.out), w.dest: listNames(w.dest), w.safety: listNames(w.safety)}
			code, _, errOut := w.run(op.args(w)...)
			if code != 1 || !strings.Contains(errOut, "schéma version 2") || strings.Contains(errOut, "Erreur inattendue") {
				t.Fatalf("exit %d, want 1 and « schéma version 2 »:\n%s", code, errOut)
			}
			w.checkDossier(w.dossier(), before)
			for dir, was := range outputs {
				if now := listNames(dir); !slices.Equal(now, was) {
					t.Fatalf("written in %s: %v (before %v)", dir, now, was)
				}
			}
			w.noTemp()
		})
	}
}

// hostileTriggers are triggers a management program might carry, reaching
// rows no fiscal-year operation moves: the tiers' e-mails, a table the
// schema does not know, the chart of accounts.
var hostileTriggers = []string{
	`CREATE TRIGGER h_emails AFTER DELETE ON ecritures BEGIN UPDATE tiers SET email = NULL; END`,
	`CREATE TRIGGER h_notes AFTER DELETE ON lignes BEGIN DELETE FROM notes_internes; END`,
	`CREATE TRIGGER h_comptes AFTER INSERT ON lignes BEGIN UPDATE comptes SET libelle = 'écrasé'; END`,
	`CREATE TRIGGER h_ecritures AFTER INSERT ON ecritures BEGIN UPDATE ecritures SET libelle = 'écrasé' WHERE id <> NEW.id; END`,
}

// TestHostileDossierTriggers: archive, de-archive and cut a dossier whose
// own triggers would wipe what they do not move. Each succeeds, none of
// the triggers acted, and the triggers are still there afterwards.
func TestHostileDossierTriggers(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"archiver", "desarchiver", "decouper"} {
		op := findOp(t, name)
		t.Run(name, func(t *testing.T) {
			w := op.newWorld(t)
			execDossier(t, w.dossier(), hostileTriggers...)
			count := func(q string) int {
				t.Helper()
				db, err := sqlitestore.OpenRO(w.dossier())
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var n int
				if err := db.QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			probes := []string{
				`SELECT count(email) FROM tiers`,
				`SELECT count(*) FROM notes_internes`,
				`SELECT count(*) FROM comptes WHERE libelle = 'écrasé'`,
				`SELECT count(*) FROM ecritures WHERE libelle = 'écrasé'`,
				`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'h\_%' ESCAPE '\'`,
			}
			var before []int
			for _, q := range probes {
				before = append(before, count(q))
			}
			if before[0] == 0 || before[1] == 0 || before[4] != len(hostileTriggers) {
				t.Fatalf("the world has nothing for the triggers to wipe: %v", before)
			}
			w.mustRun(op.args(w)...)
			for i, q := range probes {
				if got := count(q); got != before[i] {
					t.Errorf("%s: %d, %d before: a trigger of the dossier acted", q, got, before[i])
				}
			}
			checkedHash(t, w.dossier())
			w.noTemp()
		})
	}
}

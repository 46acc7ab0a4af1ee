package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// sessionWorld is a connexion with dossier 001 ready for one operation
// that changes a dossier, and the command that runs it.
type sessionWorld struct {
	conn, out, safety string
	target            string // the file whose sessions table counts
	args              []string
}

func setSession(t *testing.T, path string, last time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sessions (poste, utilisateur, programme, debut, derniere_activite) VALUES ('POSTE-9', 'Lucie', 'Compta Plus', ?, ?)`,
		last.Add(-time.Hour).Format("2006-01-02T15:04:05"), last.Format("2006-01-02T15:04:05")); err != nil {
		t.Fatal(err)
	}
}

// TestSessionsPolicyEveryOperation: for every operation that changes a
// dossier, a live session listed in its sessions table refuses it, naming
// the workstation and the program and the one confirmation, with nothing
// changed; --ignorer-sessions confirms it; a session idle for two days is
// « probablement fermée » and does not block.
func TestSessionsPolicyEveryOperation(t *testing.T) {
	ops := map[string]func(t *testing.T) sessionWorld{
		"restaurer --remplacer": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			r := run(t, "sauvegarder", "--connexion", w.conn, "--dossier", "1", "--vers", w.out)
			if r.code != 0 {
				t.Fatalf("sauvegarder: %+v", r)
			}
			w.args = []string{"restaurer", strings.TrimSpace(r.stdout), "--connexion", w.conn, "--remplacer", "--securite", w.safety}
			return w
		},
		"archiver": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			w.args = []string{"archiver", "--connexion", w.conn, "--dossier", "1", "--exercices", "2014", "--vers", w.out, "--securite", w.safety}
			return w
		},
		"desarchiver": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			if r := run(t, "archiver", "--connexion", w.conn, "--dossier", "1", "--exercices", "2014", "--vers", w.out, "--securite", w.safety); r.code != 0 {
				t.Fatalf("archiver: %+v", r)
			}
			w.args = []string{"desarchiver", filepath.Join(w.out, "001-SOC_archive_2014.paf"), "--connexion", w.conn, "--dossier", "1", "--securite", w.safety}
			return w
		},
		"decouper": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			w.args = []string{"decouper", "--connexion", w.conn, "--dossier", "1", "--premier-exercice", "2020", "--vers", w.out, "--securite", w.safety}
			return w
		},
		"transfert-import": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			src, state := t.TempDir(), t.TempDir()
			dossiertest.BuildV1(t, filepath.Join(src, "001SOC.db"))
			r := run(t, "transfert-export", "--connexion", src, "--dossier", "1", "--vers", w.out, "--etat", state)
			if r.code != 0 {
				t.Fatalf("first transfer: %+v", r)
			}
			os.Remove(w.target)
			if r := run(t, "restaurer", filepath.Join(w.out, "001-SOC_T000000.pbf"), "--connexion", w.conn, "--securite", w.safety); r.code != 0 {
				t.Fatalf("restaurer the base: %+v", r)
			}
			db, _ := sql.Open("sqlite3", sqlitestore.DSN(filepath.Join(src, "001SOC.db"), "mode=rw"))
			db.Exec(`UPDATE tiers SET email = 'nouveau@example.fr' WHERE id = 1`)
			db.Close()
			if r := run(t, "transfert-export", "--connexion", src, "--dossier", "1", "--vers", w.out, "--etat", state); r.code != 0 {
				t.Fatalf("transfer 1: %+v", r)
			}
			w.args = []string{"transfert-import", filepath.Join(w.out, "001-SOC_T000001.ptf"), "--connexion", w.conn, "--dossier", "1", "--securite", w.safety}
			return w
		},
		"exporter --remplacer": func(t *testing.T) sessionWorld {
			w := newSessionWorld(t)
			if r := run(t, "exporter", "--connexion", w.conn, "--dossier", "1", "--vers", w.out); r.code != 0 {
				t.Fatalf("exporter: %+v", r)
			}
			w.target = filepath.Join(w.out, "E001SOC.db")
			w.args = []string{"exporter", "--connexion", w.conn, "--dossier", "1", "--vers", w.out, "--remplacer"}
			return w
		},
	}
	for name, setup := range ops {
		t.Run(name, func(t *testing.T) {
			w := setup(t)
			setSession(t, w.target, time.Now().Add(-10*time.Minute))
			before := dossiertest.RowHash(t, w.target)
			r := run(t, w.args...)
			if r.code != 10 || !strings.Contains(r.stderr, "Compta Plus sur POSTE-9 (Lucie") || !strings.Contains(r.stderr, "--ignorer-sessions") {
				t.Fatalf("live session: %+v", r)
			}
			if dossiertest.RowHash(t, w.target) != before {
				t.Fatal("refused, yet the dossier changed")
			}

			w = setup(t)
			setSession(t, w.target, time.Now().Add(-48*time.Hour))
			r = run(t, w.args...)
			if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "probablement fermée (dernière activité le ") {
				t.Fatalf("session idle for two days: %+v", r)
			}

			w = setup(t)
			setSession(t, w.target, time.Now().Add(-time.Minute))
			r = run(t, append(w.args, "--ignorer-sessions")...)
			if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "l'opération a été faite sur confirmation") {
				t.Fatalf("confirmed: %+v", r)
			}
		})
	}
}

func newSessionWorld(t *testing.T) sessionWorld {
	t.Helper()
	w := sessionWorld{conn: t.TempDir(), out: t.TempDir(), safety: t.TempDir()}
	w.target = filepath.Join(w.conn, "001SOC.db")
	dossiertest.BuildV1(t, w.target)
	return w
}

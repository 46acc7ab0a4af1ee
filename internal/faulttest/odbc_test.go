//go:build unix

package faulttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"coffre/internal/store/pgtest"
)

// The same faults on a dossier kept on a database server (PostgreSQL
// through the real psqlODBC driver, started by scripts/services/postgres.sh
// in make test). The dossier's state is read by backing it up and hashing
// the backup's rows; the server's own temp databases (coffre_tmp_…,
// coffre_old_…) play the temp files.

var serverTurn sync.Once

// odbcServer returns the connexion to the test server, or skips (fails
// under make test, where the server must be there).
func odbcServer(t testing.TB) (connexion, user, password string) {
	t.Helper()
	host := os.Getenv("COFFRE_TEST_PG_HOST")
	if host == "" {
		if os.Getenv("COFFRE_SERVICES") == "1" {
			t.Fatal("COFFRE_TEST_PG_HOST is not set: scripts/services/postgres.sh did not start the server")
		}
		t.Skip("no PostgreSQL test server (make test starts one)")
	}
	// Other packages drop and create the same databases on this server:
	// take turns with them (the lock is held until the process ends).
	serverTurn.Do(func() { pgtest.Serialize() })
	return "odbc:Driver={PostgreSQL Unicode};Server=" + host + ";Port=" + os.Getenv("COFFRE_TEST_PG_PORT") + ";Database=postgres",
		os.Getenv("COFFRE_TEST_PG_USER"), os.Getenv("COFFRE_TEST_PG_PASSWORD")
}

// odbcWorld is a world whose connexion is the server, holding dossier 001
// in its before state.
func odbcWorld(t testing.TB) *world {
	t.Helper()
	c, user, pw := odbcServer(t)
	w := newWorld(t)
	w.conn = c
	pwFile := filepath.Join(t.TempDir(), "mot-de-passe")
	writeFile(t, pwFile, []byte(pw+"\n"))
	w.odbc = []string{"--utilisateur", user, "--mot-de-passe-fichier", pwFile}
	w.mustRun(append([]string{"restaurer", w.earlier(), "--connexion", w.conn, "--numero", "1", "--remplacer", "--autre-dossier",
		"--ignorer-sessions", "--securite", filepath.Join(w.root, "reinitialisation")}, w.odbc...)...)
	os.RemoveAll(filepath.Join(w.root, "reinitialisation"))
	return w
}

// odbcState backs dossier 001 of the server up and returns the RowHash of
// what the backup holds: the dossier as the server has it.
func odbcState(w *world) string {
	w.t.Helper()
	dir := w.t.TempDir()
	w.mustRun(append(cmd("sauvegarder", conn(w), args("--vers", dir, "--nom", "etat")), w.odbc...)...)
	return pbfHash(w.t, filepath.Join(dir, "etat.pbf"))
}

// serverTemps lists Coffre's temp databases left on the server.
func serverTemps(t testing.TB) []string {
	t.Helper()
	_, user, pw := odbcServer(t)
	cmd := exec.Command("psql", "-h", os.Getenv("COFFRE_TEST_PG_HOST"), "-p", os.Getenv("COFFRE_TEST_PG_PORT"), "-U", user, "-d", "postgres", "-Atc",
		`SELECT datname FROM pg_database WHERE datname LIKE 'coffre\_tmp\_%' OR datname LIKE 'coffre\_old\_%'`)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+pw)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

var odbcOperations = []operation{
	{
		name: "sauvegarder-odbc",
		args: func(w *world) []string {
			return append(cmd("sauvegarder", conn(w), args("--vers", w.dest, "--verifier")), w.odbc...)
		},
	},
	{
		name: "restaurer-odbc",
		args: func(w *world) []string {
			return append(args("restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--numero", "1", "--remplacer", "--securite", w.safety), w.odbc...)
		},
		fixedAfter: func(w *world) string { return w.after },
	},
}

// TestFaultKillODBC kills a backup from, and a restore into, a dossier on
// the database server at its N-th event: the server's dossier is in its
// before or after state, the next run succeeds, and neither a temp file
// nor a temp database is left.
func TestFaultKillODBC(t *testing.T) {
	t.Parallel()
	odbcServer(t)
	for _, op := range odbcOperations {
		t.Run(op.name, func(t *testing.T) {
			w := odbcWorld(t)
			before := odbcState(w)
			p := w.start(op.args(w)...)
			if code := p.Wait(); code != 0 {
				t.Fatalf("exit %d\n%s", code, p.Stderr.String())
			}
			after, total := odbcState(w), len(p.Events)
			if op.fixedAfter != nil && after != op.fixedAfter(w) {
				t.Fatal("a complete run does not reach the expected state")
			}
			t.Logf("%s: %d progress events", op.name, total)
			points := []int{total / 2} // each point resets a server database: one in make test
			if testingLong() {
				points = killPoints(total)
			}
			for _, n := range points {
				t.Run("evenement-"+itoa(n), func(t *testing.T) {
					w := odbcWorld(t)
					p := w.start(op.args(w)...)
					if killed, code := p.KillAt(n); !killed {
						t.Fatalf("ended (exit %d) before event %d", code, n)
					}
					if s := odbcState(w); s != before && s != after {
						t.Fatal("the server's dossier is in neither its before nor its after state")
					}
					w.checkOutputs()
					w.mustRun(op.args(w)...)
					if s := odbcState(w); s != after {
						t.Fatal("after the next run, the server's dossier is not in its after state")
					}
					w.checkOutputs()
					w.noTemp()
					if left := serverTemps(t); len(left) > 0 {
						t.Fatalf("temp databases left on the server: %v", left)
					}
					// The server's password went through a file only (outside the world).
					_, _, pw := odbcServer(t)
					noSecret(t, w.root, []byte(p.Stdout.String()+p.Stderr.String()), pw)
				})
			}
		})
	}
}

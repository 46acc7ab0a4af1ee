// Package testenv holds what several packages' tests share to set up their
// world: the servers scripts/with-services.sh starts, a connexion folder
// holding one dossier. Only tests import it.
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// Need returns the environment variables a scripts/services/*.sh server
// sets: the test fails when make test should have started it
// (COFFRE_SERVICES=1), and is skipped otherwise.
func Need(t testing.TB, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		v := os.Getenv(n)
		if v == "" {
			if os.Getenv("COFFRE_SERVICES") == "1" {
				t.Fatalf("%s is not set: scripts/services should have started its server", n)
			}
			t.Skipf("%s is not set (run through make test)", n)
		}
		out[n] = v
	}
	return out
}

// Folder is a connexion folder holding dossier 001SOC.db (built by
// dossiertest.BuildV1 with opts), opened, and its path.
func Folder(t testing.TB, opts ...dossiertest.Option) (*sqlitestore.Folder, string) {
	t.Helper()
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"), opts...)
	s, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

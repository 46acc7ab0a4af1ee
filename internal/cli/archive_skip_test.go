package cli_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// TestArchiveNothingToDoIsDone: over dossiers 1 and 2, where 2 has no
// exercice old enough, dossier 1 is archived, 2 is reported as having
// nothing to archive, and the run succeeds (exit 0).
func TestArchiveNothingToDoIsDone(t *testing.T) {
	conn, dest, safety := t.TempDir(), t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	two := filepath.Join(conn, "002AUTRE.db")
	dossiertest.BuildV1(t, two, dossiertest.WithNumero("002"), dossiertest.WithNom("AUTRE"), dossiertest.WithIdentifiant("autre-identite"))
	db, err := sql.Open("sqlite3", sqlitestore.DSN(two, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE exercices SET cloture = 0`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := run(t, "archiver", "--connexion", conn, "--dossier", "1,2", "--vers", dest, "--securite", safety)
	if r.code != 0 || !strings.Contains(r.stdout, "001 : archive écrite et vérifiée") || !strings.Contains(r.stdout+r.stderr, "Aucun exercice à archiver dans le dossier 002") {
		t.Fatalf("archiver --dossier 1,2: %+v", r)
	}
}

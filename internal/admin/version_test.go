package admin_test

import (
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	"coffre/internal/admin"
	"coffre/internal/dossier"
	"coffre/internal/store/sqlitestore"
)

// TestSchemaVersion2Refused: the copy and the FEC need schema version 1; a
// dossier row saying version 2 is refused in French, nothing written.
func TestSchemaVersion2Refused(t *testing.T) {
	s, path := source(t)
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE dossier SET version_schema = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, dir, err := run(t, s, admin.Request{Exercices: []string{"2023"}, FEC: true})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("written: %v", entries)
	}
}

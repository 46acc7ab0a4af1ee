package admin_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/admin"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/fec"
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

// TestFailedFECTakesBackCopy: the copy is written, then its FEC fails (here
// a file of the FEC's name appears meanwhile): the run takes back the copy
// it wrote, so a failure leaves nothing of its own behind.
func TestFailedFECTakesBackCopy(t *testing.T) {
	s, _ := source(t)
	dest := t.TempDir()
	planted := filepath.Join(dest, dossiertest.SIREN+"FEC20231231.txt")
	_, _, err := run(t, s, admin.Request{Exercices: []string{"2023"}, FEC: true, DestDir: dest, Progress: func(e dossier.Event) {
		if e.Phase == fec.PhaseFEC || e.Phase == admin.PhaseAdministration && e.Done == 5 {
			os.WriteFile(planted, []byte("autre programme"), 0o644)
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "existe déjà") {
		t.Fatalf("got %v, want the FEC refused", err)
	}
	entries, _ := os.ReadDir(dest)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(planted) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("destination holds %v, want only the other program's file", names)
	}
}

package archive_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
)

// TestSchemaVersion2Refused: a dossier whose tables are those of schema v1
// but whose dossier row says version 2 is refused by archiving and by the
// import of an archive, in French, before anything is written.
func TestSchemaVersion2Refused(t *testing.T) {
	e := newEnv(t, buildV1)
	res, err := e.archive(t, "2014")
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, e.path, `UPDATE dossier SET version_schema = 2`)
	before := dossiertest.RowHash(t, e.path)
	if _, err := e.archive(t, "2015"); !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") || !strings.Contains(err.Error(), "ne connaît que la version 1") {
		t.Fatalf("archive: %v", err)
	}
	if _, err := e.restore(t, res.Path, false); !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") {
		t.Fatalf("de-archive: %v", err)
	}
	if dossiertest.RowHash(t, e.path) != before {
		t.Fatal("the dossier changed")
	}
	if got := names(t, e.dest); len(got) != 1 {
		t.Fatalf("destination holds %v, want only the first .paf", got)
	}
	if entries, _ := os.ReadDir(e.safety); len(entries) != 1 {
		t.Fatalf("%d safety backups, want only the first", len(entries))
	}
}

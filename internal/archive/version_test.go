package archive_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"coffre/internal/archive"
	"coffre/internal/batch"
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

// TestWrittenMeanwhileNamed: the management software adds an entry to 2025
// while 2014 is being archived. The refusal says what happened and where
// (« une écriture a été ajoutée à l'exercice 2025 »), not « numérotation de
// l'exercice 2014 », and the .paf is gone.
func TestWrittenMeanwhileNamed(t *testing.T) {
	e := newEnv(t, buildV1)
	written := false
	_, err := archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "001", Exercices: []string{"2014"}, DestDir: e.dest, SafetyDir: e.safety,
		Now: func() time.Time { return today },
		Progress: func(ev dossier.Event) {
			if ev.Phase == dossier.PhaseSecurite && !written {
				written = true
				execSQL(t, e.path, `INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle) VALUES (12, 'OD', 7, '2025-10-01', 'Saisie pendant l''archivage')`)
			}
		}})
	if !written {
		t.Fatal("no safety backup phase: the test wrote nothing")
	}
	if err == nil || !strings.Contains(err.Error(), "une écriture a été ajoutée à l'exercice 2025") || strings.Contains(err.Error(), "2014 ") {
		t.Fatalf("got %v", err)
	}
	if got := names(t, e.dest); len(got) != 0 {
		t.Fatalf("left in the destination: %v", got)
	}
}

// TestRestoreAllAfterOne: 2016 was put back alone; de-archiving the same
// .paf with the default « all » puts back the rest instead of failing on
// 2016, and says 2016 was already back; once everything is back, it is
// « nothing to do ».
func TestRestoreAllAfterOne(t *testing.T) {
	e := newEnv(t, buildV1)
	before := dossiertest.Dump(t, e.path)
	res, err := e.archive(t, "2016", "2017", "2018")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.restore(t, res.Path, false, "2016"); err != nil {
		t.Fatal(err)
	}
	back, err := e.restore(t, res.Path, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.AlreadyBack, ",") != "2016" || len(back.Exercices) != 2 || back.Exercices[0].Code != "2017" || !back.Deleted {
		t.Fatalf("result %+v", back)
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, e.path)); d != "" {
		t.Fatal(d)
	}
	res, err = e.archive(t, "2016")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.restore(t, res.Path, false); err != nil {
		t.Fatal(err)
	}
	_, err = e.restore(t, res.Path, false)
	if !errors.Is(err, batch.ErrNothingToDo) || !strings.Contains(err.Error(), "déjà tous remis") {
		t.Fatalf("all back already: %v", err)
	}
}

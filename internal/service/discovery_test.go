package service

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
)

// The nightly job backs up the dossiers whose files are named otherwise
// (written by Debian's sqlite3, not by Coffre), and reports — as failed,
// so the run is not « réussie » — a file that looks like a dossier but
// cannot be read and two files claiming one number.
func TestNightlyJobFindsOddDossiersAndReportsTheOthers(t *testing.T) {
	w := newWorld(t)
	dossiertest.SQLite3(t, filepath.Join(w.conn, "008CAFÉ.db"), dossiertest.V1Script("008", "CAFÉ", "id-008"))
	dossiertest.SQLite3(t, filepath.Join(w.conn, "010X.DB"), dossiertest.V1Script("010", "X", "id-010"))
	dossiertest.SQLite3(t, filepath.Join(w.conn, "doublon.sqlite"), dossiertest.V1Script("002", "DOUBLE", "id-002bis"))
	if err := os.WriteFile(filepath.Join(w.conn, "015BAD.db"), []byte("pas une base"), 0o644); err != nil {
		t.Fatal(err)
	}
	w.save(t)

	rep, err := w.eng.RunOnce(context.Background(), Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]string{}
	failed := map[string]string{}
	for _, b := range rep.Backups {
		if b.Err != nil {
			failed[b.Info.Numero+" "+b.Info.Fichier] = b.Err.Error()
		} else {
			done[b.Info.Numero] = filepath.Base(b.Result.Path)
		}
	}
	for numero, prefix := range map[string]string{"001": "001-SOC_", "008": "008-CAFE_", "010": "010-X_"} {
		if !strings.HasPrefix(done[numero], prefix) {
			t.Errorf("dossier %s: backup %q, want %s…", numero, done[numero], prefix)
		}
	}
	for key, want := range map[string]string{
		"015 015BAD.db":      "n'est pas reconnu",
		"002 002BOULANG.db":  "doublon.sqlite",
		"002 doublon.sqlite": "002BOULANG.db",
	} {
		if !strings.Contains(failed[key], want) {
			t.Errorf("%s: reported %q, want it to say %q (failed: %v)", key, failed[key], want, failed)
		}
	}
	if !rep.Failed() || rep.Err() == nil {
		t.Errorf("the run is reported as a success with files left out: %+v", rep.Entry)
	}
	if len(rep.Entry.Dossiers) != 6 {
		t.Errorf("journal entry lists %d dossiers, want 6: %+v", len(rep.Entry.Dossiers), rep.Entry.Dossiers)
	}
}

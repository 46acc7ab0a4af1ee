package backup_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossiertest"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// TestWALOnNetworkShareWarning: backing up a WAL dossier from a network
// share succeeds and says, in French, why that dossier is at risk there.
func TestWALOnNetworkShareWarning(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"), dossiertest.WithWAL())
	s, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range []string{"", "NFS"} {
		undo := sqlitestore.PretendNetworkFS(fs)
		res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir(), Verify: true})
		undo()
		if err != nil {
			t.Fatal(err)
		}
		warned := len(res.Warnings) == 1 && strings.Contains(res.Warnings[0].String(), "mode WAL sur un partage réseau (NFS)")
		if warned != (fs != "") {
			t.Fatalf("on %q: warnings %q", fs, res.Warnings)
		}
	}
}

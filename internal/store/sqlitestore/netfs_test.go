package sqlitestore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

// TestWALOnNetworkShareWarns: a dossier in WAL mode on a network file
// system gets the French warning; the same dossier on a local disk, or in
// rollback-journal mode on the share, gets none.
func TestWALOnNetworkShareWarns(t *testing.T) {
	defer func(f func(string) string) { networkFS = f }(networkFS)
	for _, c := range []struct {
		name string
		wal  bool
		fs   string
		want bool
	}{
		{"wal-nfs", true, "NFS", true},
		{"wal-cifs", true, "CIFS", true},
		{"wal-local", true, "", false},
		{"journal-nfs", false, "NFS", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var opts []dossiertest.Option
			if c.wal {
				opts = append(opts, dossiertest.WithWAL())
			}
			dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"), opts...)
			networkFS = func(d string) string {
				if d != dir {
					t.Errorf("asked about %s, not the dossier's folder", d)
				}
				return c.fs
			}
			snap, err := SnapshotFile(context.Background(), filepath.Join(dir, "001SOC.db"), store.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer snap.Close()
			ws := snap.(interface{ Warnings() []i18n.Note }).Warnings()
			if got := len(ws) == 1 && strings.Contains(ws[0].String(), "mode WAL sur un partage réseau ("+c.fs+")") && strings.Contains(ws[0].String(), "001SOC"); got != c.want {
				t.Fatalf("warnings %q", ws)
			}
		})
	}
}

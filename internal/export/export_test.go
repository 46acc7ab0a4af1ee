package export_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/export"
	"coffre/internal/i18n"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/testenv"
)

// TestExportRoundTrip: export → E001SOC.db identical row for row; restoring
// it into another connexion gives 001SOC.db, identical again, and says the
// E was dropped. Both journal modes.
func TestExportRoundTrip(t *testing.T) {
	for _, wal := range []bool{false, true} {
		var opts []dossiertest.Option
		name := "rollback"
		if wal {
			opts, name = append(opts, dossiertest.WithWAL()), "wal"
		}
		t.Run(name, func(t *testing.T) {
			s, dir := testenv.Folder(t, opts...)
			ctx := context.Background()
			res, err := export.Run(ctx, export.Request{Store: s, Numero: "001"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Path != filepath.Join(dir, "E001SOC.db") || res.Size <= 0 || len(res.Stats.Exercices) != 12 {
				t.Fatalf("result %+v", res)
			}
			src := dossiertest.Dump(t, filepath.Join(dir, "001SOC.db"))
			if d := dossiertest.Diff(src, dossiertest.Dump(t, res.Path)); d != "" {
				t.Fatal(d)
			}
			// The folder still lists one dossier: an export is not a dossier.
			if list, _ := s.List(ctx); len(list) != 1 {
				t.Fatalf("listing after export: %+v", list)
			}
			other := t.TempDir()
			s2, _ := sqlitestore.Open(other)
			rr, err := restore.Run(ctx, restore.Request{File: res.Path, Store: s2, SafetyDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if rr.Path != "001SOC.db" || len(rr.Notes) == 0 || !strings.Contains(fmt.Sprint(rr.Notes), "sans le E") {
				t.Fatalf("restore of the export: %+v", rr)
			}
			if d := dossiertest.Diff(src, dossiertest.Dump(t, filepath.Join(other, "001SOC.db"))); d != "" {
				t.Fatal(d)
			}
		})
	}
}

func TestExportRefusesOverwrite(t *testing.T) {
	s, dir := testenv.Folder(t)
	ctx := context.Background()
	dest := t.TempDir()
	if _, err := export.Run(ctx, export.Request{Store: s, Numero: "001", DestDir: dest}); err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dest, "E001SOC.db")
	before, _ := os.ReadFile(final)
	_, err := export.Run(ctx, export.Request{Store: s, Numero: "001", DestDir: dest})
	if !errors.Is(err, dossier.ErrExists) || !strings.Contains(i18n.Describe(err), "existe déjà") {
		t.Fatalf("second export: %v", err)
	}
	if after, _ := os.ReadFile(final); string(after) != string(before) {
		t.Fatal("refused export changed the existing file")
	}
	// A change in the dossier, then --remplacer: the new export carries it.
	db, _ := sqlitestore.OpenRW(filepath.Join(dir, "001SOC.db"))
	if _, err := db.Exec("UPDATE tiers SET nom = 'Nouveau nom' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	res, err := export.Run(ctx, export.Request{Store: s, Numero: "001", DestDir: dest, Replace: true})
	if err != nil || !res.Replaced {
		t.Fatalf("replace: %+v %v", res, err)
	}
	if d := dossiertest.Diff(dossiertest.Dump(t, filepath.Join(dir, "001SOC.db")), dossiertest.Dump(t, final)); d != "" {
		t.Fatal(d)
	}
	entries, _ := os.ReadDir(dest)
	if len(entries) != 1 {
		t.Fatalf("destination holds %d files", len(entries))
	}
}

func TestExportCancelLeavesNothing(t *testing.T) {
	s, _ := testenv.Folder(t)
	dest := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := export.Run(ctx, export.Request{Store: s, Numero: "001", DestDir: dest, Progress: func(dossier.Event) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("cancelled export left %v", entries)
	}
}

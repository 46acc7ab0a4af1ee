package transfer_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/restore"
	"coffre/internal/transfer"
)

// TestCopyBesideRefusesTheOriginalsTransfers: the transfer base restored a
// second time on the receiving site, beside the dossier it already made, is
// a copy: it gets an identity of its own, and the source's next transfer is
// refused by the copy while the dossier applies it (docs/FORMAT.md,
// « Identité d'un dossier »). Failed before the fix: the copy kept the
// source's identity and took the transfer too.
func TestCopyBesideRefusesTheOriginalsTransfers(t *testing.T) {
	s := newSites(t, buildV1)
	ctx := context.Background()
	base, err := transfer.Export(ctx, transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: t.TempDir()})
	if err != nil || !base.Full {
		t.Fatalf("a second transfer base: %+v %v", base, err)
	}
	res, err := restore.Run(ctx, restore.Request{File: base.Path, Store: s.dst, SafetyDir: s.safety})
	if err != nil || res.Numero != "002" || res.Identifiant == "" {
		t.Fatalf("copy beside 001: %+v %v", res.Plan, err)
	}
	src := identity(t, s.srcPath())
	if got := identity(t, filepath.Join(s.dstDir, "002SOC.db")); got.Identifiant != res.Identifiant || got.Identifiant == src.Identifiant || got.Numero != "002" {
		t.Fatalf("copy's row %+v, source's %+v", got, src)
	}
	if got := identity(t, s.dstPath()); got.Identifiant != src.Identifiant {
		t.Fatalf("the receiving dossier lost the source's identity: %+v", got)
	}

	exec(t, s.srcPath(), fewChanges...)
	ptf := s.export(t).Path
	_, err = transfer.Import(ctx, transfer.ImportRequest{File: ptf, Store: s.dst, Numero: "002", SafetyDir: s.safety})
	if !errors.Is(err, dossier.ErrSequence) {
		t.Fatalf("the copy accepted the original's transfer: %v", err)
	}
	s.apply(t, ptf)
	s.assertConverged(t)
}

func identity(t *testing.T, path string) dossier.Identity {
	t.Helper()
	db, err := openRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id dossier.Identity
	if err := db.QueryRow(`SELECT numero, nom, identifiant FROM dossier`).Scan(&id.Numero, &id.Nom, &id.Identifiant); err != nil {
		t.Fatal(err)
	}
	return id
}

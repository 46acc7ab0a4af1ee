package transfer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/transfer"
)

// TestSchemaVersion2Refused: a transfer is neither exported from nor
// applied to a dossier whose row says schema version 2.
func TestSchemaVersion2Refused(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), `UPDATE tiers SET email = 'nouveau@example.fr' WHERE id = 1`)
	ptf := s.export(t)
	exec(t, s.dstPath(), `UPDATE dossier SET version_schema = 2`)
	before := dossiertest.RowHash(t, s.dstPath())
	_, err := transfer.Import(context.Background(), transfer.ImportRequest{File: ptf.Path, Store: s.dst, Numero: "001", SafetyDir: s.safety})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") {
		t.Fatalf("import: %v", err)
	}
	if dossiertest.RowHash(t, s.dstPath()) != before {
		t.Fatal("the receiving dossier changed")
	}
	exec(t, s.srcPath(), `UPDATE dossier SET version_schema = 2`)
	_, err = transfer.Export(context.Background(), transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: s.state})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(err.Error(), "schéma version 2") {
		t.Fatalf("export: %v", err)
	}
}

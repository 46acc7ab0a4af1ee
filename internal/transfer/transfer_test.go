package transfer_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/pack"
	"coffre/internal/transfer"
)

// fewChanges: an entry with its lines, a tiers renamed, an annexe deleted,
// a BLOB changed.
var fewChanges = []string{
	`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle) VALUES (99100, 12, 'OD', 7, '2025-10-15', 'Écriture transférée')`,
	`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (991001, 99100, '606100', 4200, 0), (991002, 99100, '512000', 0, 4200)`,
	`UPDATE tiers SET nom = 'Café Noël & Fils', email = NULL WHERE id = 1`,
	`DELETE FROM annexes WHERE id = 2`,
	`UPDATE annexes SET contenu = X'00FF00FF' WHERE id = 1`,
}

func TestFirstTransferIsFullBase(t *testing.T) {
	s := newSites(t, buildV1)
	m, err := pack.Inspect(context.Background(), filepath.Join(s.out, "001-SOC_T000000.pbf"), pack.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x, ok, err := transfer.ReadExtra(m)
	if err != nil || !ok || !x.Complet || x.Sequence != 0 || x.IdentifiantSource != dossiertest.DefaultIdentifiant {
		t.Fatalf("base extra %+v %v %v", x, ok, err)
	}
}

func TestFirstTransferMessage(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"))
	s := &sites{srcDir: dir, out: t.TempDir(), state: t.TempDir()}
	var err error
	if s.src, err = openFolder(dir); err != nil {
		t.Fatal(err)
	}
	res := s.export(t)
	if res.Message.String() != "Premier transfert : le dossier complet est exporté." || !strings.HasSuffix(res.Path, "001-SOC_T000000.pbf") {
		t.Fatalf("first transfer %+v", res)
	}
}

func TestFewChangesCarriedExactly(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	res := s.export(t)
	if res.Full || res.Sequence != 1 || res.Base != 0 || !strings.HasSuffix(res.Path, "001-SOC_T000001.ptf") {
		t.Fatalf("second transfer %+v", res)
	}
	want := map[string]transfer.TableChanges{
		"annexes":   {Table: "annexes", Updates: 1, Deletes: 1},
		"ecritures": {Table: "ecritures", Inserts: 1},
		"lignes":    {Table: "lignes", Inserts: 2},
		"tiers":     {Table: "tiers", Updates: 1},
	}
	if len(res.Changes) != len(want) {
		t.Fatalf("changes %+v", res.Changes)
	}
	for _, c := range res.Changes {
		if want[c.Table] != c {
			t.Fatalf("changes of %s: %+v, want %+v", c.Table, c, want[c.Table])
		}
	}
	imp := s.apply(t, res.Path)
	if imp.Sequence != 1 || imp.TotalChanges() != 6 || imp.SafetyBackup == "" {
		t.Fatalf("import %+v", imp)
	}
	s.assertConverged(t)
	// Nothing changed since: no file.
	again := s.export(t)
	if !again.NoChange || again.Path != "" {
		t.Fatalf("export without changes %+v", again)
	}
}

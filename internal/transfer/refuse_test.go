package transfer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/demo"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/transfer"
)

// importErr imports and expects a refusal that leaves the receiving dossier
// exactly as it was.
func (s *sites) importErr(t *testing.T, file string) error {
	t.Helper()
	before := dossiertest.RowHash(t, s.dstPath())
	_, err := transfer.Import(context.Background(), transfer.ImportRequest{File: file, Store: s.dst, Numero: "001", SafetyDir: s.safety})
	if err == nil {
		t.Fatalf("import of %s accepted", filepath.Base(file))
	}
	if after := dossiertest.RowHash(t, s.dstPath()); after != before {
		t.Fatalf("refused import (%v) changed the dossier", err)
	}
	return err
}

func TestSequenceRefusals(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	p1 := s.export(t).Path
	exec(t, s.srcPath(), `UPDATE comptes SET libelle = 'Banque principale' WHERE numero = '512000'`)
	p2 := s.export(t).Path
	exec(t, s.srcPath(), `DELETE FROM notes_internes WHERE cle = 'vide'`)
	p3 := s.export(t).Path

	// Gap: 2 before 1.
	err := s.importErr(t, p2)
	if !errors.Is(err, dossier.ErrSequence) || !strings.Contains(i18n.Describe(err), "attend le n° 1, ce fichier est le n° 2") {
		t.Fatalf("gap: %v", i18n.Describe(err))
	}
	s.apply(t, p1)
	// Replay.
	err = s.importErr(t, p1)
	if !errors.Is(err, dossier.ErrSequence) || !strings.Contains(i18n.Describe(err), "n° 1 a déjà été appliqué") || !strings.Contains(i18n.Describe(err), "le n° 2") {
		t.Fatalf("replay: %v", i18n.Describe(err))
	}
	s.apply(t, p2)
	s.apply(t, p3)
	s.assertConverged(t)
	// Older.
	err = s.importErr(t, p2)
	if !errors.Is(err, dossier.ErrSequence) || !strings.Contains(i18n.Describe(err), "n° 2 a déjà été appliqué") || !strings.Contains(i18n.Describe(err), "le n° 4") {
		t.Fatalf("older: %v", i18n.Describe(err))
	}
	// The full base is a backup, not a PTF.
	err = s.importErr(t, filepath.Join(s.out, "001-SOC_T000000.pbf"))
	if !strings.Contains(i18n.Describe(err), "coffre restaurer") {
		t.Fatalf("base given to import: %v", i18n.Describe(err))
	}
}

func TestOtherDossierRefused(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	p := s.export(t).Path
	other := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(other, "001SOC.db"), dossiertest.WithIdentifiant("00000000-0000-4000-8000-000000000000"))
	o, _ := sqlitestore.Open(other)
	before := dossiertest.RowHash(t, filepath.Join(other, "001SOC.db"))
	_, err := transfer.Import(context.Background(), transfer.ImportRequest{File: p, Store: o, Numero: "001", SafetyDir: s.safety})
	if !errors.Is(err, dossier.ErrSequence) || !strings.Contains(i18n.Describe(err), "pas du dossier") {
		t.Fatalf("other dossier: %v", err)
	}
	if dossiertest.RowHash(t, filepath.Join(other, "001SOC.db")) != before {
		t.Fatal("refused import changed the other dossier")
	}
}

func TestCorruptPTFRefused(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	p := s.export(t).Path
	b, _ := os.ReadFile(p)
	bad := filepath.Join(t.TempDir(), filepath.Base(p))
	for _, off := range []int{len(b) / 3, len(b) / 2} {
		c := append([]byte(nil), b...)
		c[off] ^= 0x40
		os.WriteFile(bad, c, 0o644)
		if err := s.importErr(t, bad); !errors.Is(err, dossier.ErrCorrupt) && !errors.Is(err, dossier.ErrTruncated) {
			t.Fatalf("flipped byte at %d: %v", off, err)
		}
	}
	os.WriteFile(bad, b[:len(b)-100], 0o644)
	s.importErr(t, bad)
	s.apply(t, p)
	s.assertConverged(t)
}

// TestFailureMidApplyRollsBack: the receiving side holds a row where the
// PTF inserts one, so the insert pass fails after the deletes ran: all of
// it is rolled back. Then a row the PTF updates was changed here: refused.
func TestFailureMidApplyRollsBack(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	p := s.export(t).Path
	exec(t, s.dstPath(), `INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (991002, 1003, '512000', 0, 0)`)
	err := s.importErr(t, p)
	if !strings.Contains(i18n.Describe(err), "lignes") || !strings.Contains(i18n.Describe(err), "Rien n'a été modifié") {
		t.Fatalf("insert over an existing row: %v", i18n.Describe(err))
	}
	exec(t, s.dstPath(), `DELETE FROM lignes WHERE id = 991002`, `UPDATE tiers SET telephone = '00' WHERE id = 1`)
	err = s.importErr(t, p)
	if !strings.Contains(i18n.Describe(err), "tiers") || !strings.Contains(i18n.Describe(err), "modifiée sur ce site") {
		t.Fatalf("row changed on the receiving site: %v", i18n.Describe(err))
	}
	exec(t, s.dstPath(), `UPDATE tiers SET telephone = '04 93 00 00 01' WHERE id = 1`)
	s.apply(t, p)
	s.assertConverged(t)
}

// TestBrokenReferenceRefusedAtExport: the source (foreign keys off) points
// an entry at a journal that does not exist. A transfer carrying that could
// never be applied, and every later one would be refused as a gap: the
// export refuses it, naming the reference, writes nothing and keeps its
// numbering; once the reference is repaired, transfer n° 1 goes through.
func TestBrokenReferenceRefusedAtExport(t *testing.T) {
	s := newSites(t, buildV1)
	execNoFK(t, s.srcPath(), `UPDATE ecritures SET journal = 'XX' WHERE id = 1002`)
	before, _ := os.ReadDir(s.out)
	_, err := transfer.Export(context.Background(), transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: s.state})
	if !errors.Is(err, dossier.ErrCorrupt) || !strings.Contains(err.Error(), "1 référence cassée entre tables (ecritures 1002 → journaux)") ||
		!strings.Contains(err.Error(), "Aucun transfert n'a été écrit") {
		t.Fatalf("export with a broken reference: %v", err)
	}
	if after, _ := os.ReadDir(s.out); len(after) != len(before) {
		t.Fatalf("written: %v", after)
	}
	execNoFK(t, s.srcPath(), `UPDATE ecritures SET journal = 'VEN' WHERE id = 1002`)
	exec(t, s.srcPath(), `UPDATE tiers SET email = 'nouveau@example.fr' WHERE id = 1`)
	res := s.export(t)
	if res.Sequence != 1 {
		t.Fatalf("after the repair: transfer n° %d, want 1", res.Sequence)
	}
	s.apply(t, res.Path)
	s.assertConverged(t)
}

// TestBrokenReferenceRefusedAtImport: the receiving site (foreign keys
// off) deleted a tiers the source now uses: applying the transfer would
// break the reference, so it is refused, rolled back, and the message says
// how to resume.
func TestBrokenReferenceRefusedAtImport(t *testing.T) {
	s := newSites(t, buildV1)
	execNoFK(t, s.dstPath(), `DELETE FROM tiers WHERE id = 2`)
	exec(t, s.srcPath(), `UPDATE lignes SET tiers_id = 2 WHERE id = 10031`)
	before := dossiertest.RowHash(t, s.dstPath())
	err := s.importErr(t, s.export(t).Path)
	if !errors.Is(err, dossier.ErrCorrupt) || !strings.Contains(i18n.Describe(err), "1 référence serait cassée") || !strings.Contains(i18n.Describe(err), "--nouvelle-base") {
		t.Fatalf("broken reference: %v", i18n.Describe(err))
	}
	if dossiertest.RowHash(t, s.dstPath()) != before {
		t.Fatal("the refused transfer changed the dossier")
	}
}

// TestPTFTinyNextToFullTransfer: on a realistic demo dossier, a PTF of a
// few changes is a small fraction of the complete transfer.
func TestPTFTinyNextToFullTransfer(t *testing.T) {
	s := newSites(t, func(t *testing.T, path string) {
		dir := t.TempDir()
		if _, err := demo.Generate(context.Background(), dir, demo.Options{}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "001SOC.db"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b, 0o644)
	})
	full, err := os.Stat(filepath.Join(s.out, "001-SOC_T000000.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	exec(t, s.srcPath(),
		`INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle) SELECT MAX(id), 'OD', 9999, '2025-12-01', 'Écriture du transfert' FROM exercices`,
		`INSERT INTO lignes (ecriture_id, compte, debit, credit) SELECT MAX(id), (SELECT MIN(numero) FROM comptes), 1000, 0 FROM ecritures`,
		`INSERT INTO lignes (ecriture_id, compte, debit, credit) SELECT MAX(id), (SELECT MAX(numero) FROM comptes), 0, 1000 FROM ecritures`,
		`UPDATE tiers SET nom = nom || ' (nouveau nom)' WHERE id = (SELECT MIN(id) FROM tiers)`,
		`DELETE FROM annexes WHERE id = (SELECT MIN(id) FROM annexes)`,
		`UPDATE annexes SET contenu = X'0102030405' WHERE id = (SELECT MAX(id) FROM annexes)`)
	res := s.export(t)
	ratio := float64(res.Size) / float64(full.Size())
	t.Logf("complete transfer %d bytes, PTF of %d changes %d bytes (%.2f %%)", full.Size(), res.TotalChanges(), res.Size, 100*ratio)
	if res.TotalChanges() != 6 || ratio >= 0.05 {
		t.Fatalf("PTF of %d changes is %d bytes, %.1f %% of the complete transfer", res.TotalChanges(), res.Size, 100*ratio)
	}
	s.apply(t, res.Path)
	s.assertConverged(t)
}

// TestNewBaseAfterStructureChange: a new column cannot travel in a PTF; the
// export says so, and --nouvelle-base starts a new chain the receiving
// site restores, continuing the numbering.
func TestNewBaseAfterStructureChange(t *testing.T) {
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), `ALTER TABLE tiers ADD COLUMN siret TEXT`)
	_, err := transfer.Export(context.Background(), transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: s.state})
	if !errors.Is(err, dossier.ErrSchema) || !strings.Contains(i18n.Describe(err), "--nouvelle-base") {
		t.Fatalf("structure change: %v", err)
	}
	res, err := transfer.Export(context.Background(), transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: s.state, NewBase: true})
	if err != nil || !res.Full || res.Sequence != 1 || !strings.HasSuffix(res.Path, "001-SOC_T000001.pbf") {
		t.Fatalf("new base %+v %v", res, err)
	}
	if _, err := restore.Run(context.Background(), restore.Request{File: res.Path, Store: s.dst, Replace: true, SafetyDir: s.safety}); err != nil {
		t.Fatal(err)
	}
	exec(t, s.srcPath(), `UPDATE tiers SET siret = '73282932000074' WHERE id = 1`)
	next := s.export(t)
	if next.Sequence != 2 {
		t.Fatalf("after the new base: %+v", next)
	}
	s.apply(t, next.Path)
	s.assertConverged(t)
}

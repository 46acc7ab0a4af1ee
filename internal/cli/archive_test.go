package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
)

// TestArchiveAdminCommands drives archiver, contenu, desarchiver and
// administration from the command line, refusals included.
func TestArchiveAdminCommands(t *testing.T) {
	conn, dest, safety := t.TempDir(), t.TempDir(), t.TempDir()
	db := filepath.Join(conn, "001SOC.db")
	dossiertest.BuildV1(t, db)
	before := dossiertest.Dump(t, db)

	r := run(t, "archiver", "--connexion", conn, "--dossier", "1", "--exercices", "2014,2015", "--vers", dest, "--securite", safety)
	if r.code != 0 || !strings.Contains(r.stdout, "archive écrite et vérifiée") || !strings.Contains(r.stdout, "Soldes par compte et par tiers inchangés") {
		t.Fatalf("archiver: %+v", r)
	}
	paf := filepath.Join(dest, "001-SOC_archive_2014-2015.paf")
	if r := run(t, "contenu", paf); r.code != 0 || !strings.Contains(r.stdout, "Exercices archivés dans ce fichier") || !strings.Contains(r.stdout, "coffre desarchiver") {
		t.Fatalf("contenu: %+v", r)
	}
	if r := run(t, "verifier", paf); r.code != 0 {
		t.Fatalf("verifier: %+v", r)
	}
	if r := run(t, "archiver", "--connexion", conn, "--dossier", "1", "--exercices", "2024", "--vers", dest, "--securite", safety); r.code != 1 || !strings.Contains(r.stderr, "n'est pas clôturé") {
		t.Fatalf("open exercice: %+v", r)
	}
	if r := run(t, "restaurer", paf, "--connexion", t.TempDir()); r.code != 1 || !strings.Contains(r.stderr, "PAF") {
		t.Fatalf("restaurer a PAF: %+v", r)
	}
	r = run(t, "desarchiver", paf, "--connexion", conn, "--dossier", "1", "--supprimer-archive", "--securite", safety)
	if r.code != 0 || !strings.Contains(r.stdout, "exercices 2014 et 2015 remis en place") || !strings.Contains(r.stdout, "Archive supprimée") {
		t.Fatalf("desarchiver: %+v", r)
	}
	if d := dossiertest.Diff(before, dossiertest.Dump(t, db)); d != "" {
		t.Fatal(d)
	}

	out := t.TempDir()
	r = run(t, "administration", "--connexion", conn, "--dossier", "1", "--exercices", "2024", "--vers", out, "--fec")
	if r.code != 0 || !strings.Contains(r.stdout, "Admin001SOC_2024.db") || !strings.Contains(r.stdout, "FEC 2024") {
		t.Fatalf("administration: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(out, dossiertest.SIREN+"FEC20241231.txt")); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "restaurer", filepath.Join(out, "Admin001SOC_2024.db"), "--connexion", t.TempDir()); r.code != 1 || !strings.Contains(r.stderr, "administration fiscale") {
		t.Fatalf("restaurer the admin copy: %+v", r)
	}
	out2 := t.TempDir()
	r = run(t, "administration", "--connexion", conn, "--dossier", "1", "--exercices", "2025", "--vers", out2, "--fec")
	if r.code != 1 || !strings.Contains(r.stdout, "• écritures validées") || !strings.Contains(r.stderr, "n'a pas été écrit") {
		t.Fatalf("FEC report: %+v", r)
	}
	if entries, _ := os.ReadDir(out2); len(entries) != 0 {
		t.Fatalf("written despite the report: %v", entries)
	}
	for _, verb := range []string{"archiver", "desarchiver", "administration"} {
		if r := run(t, verb, "--help"); r.code != 0 || !strings.Contains(r.stdout, "coffre "+verb) {
			t.Errorf("%s --help: %+v", verb, r)
		}
	}
}

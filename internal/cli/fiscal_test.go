package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
)

// TestExportTransferCut drives exporter, transfert-export/-import and
// decouper from the command line, as a scheduled task would.
func TestExportTransferCut(t *testing.T) {
	src, dst, out, cutDir, safety := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(src, "001SOC.db"))

	if r := run(t, "exporter", "--connexion", src, "--dossier", "1"); r.code != 0 || !strings.Contains(r.stdout, "E001SOC.db") {
		t.Fatalf("exporter: %+v", r)
	}
	if r := run(t, "exporter", "--connexion", src, "--dossier", "1"); r.code != 1 || !strings.Contains(r.stderr, "existe déjà") {
		t.Fatalf("second exporter: %+v", r)
	}
	r := run(t, "transfert-export", "--connexion", src, "--dossier", "1", "--vers", out, "--etat", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stdout, "Premier transfert : le dossier complet est exporté") {
		t.Fatalf("first transfer: %+v", r)
	}
	if r := run(t, "restaurer", filepath.Join(out, "001-SOC_T000000.pbf"), "--connexion", dst); r.code != 0 {
		t.Fatalf("restore of the base: %+v", r)
	}
	if r := run(t, "transfert-import", filepath.Join(out, "001-SOC_T000000.pbf"), "--connexion", dst, "--dossier", "1"); r.code != 1 || !strings.Contains(r.stderr, "coffre restaurer") {
		t.Fatalf("base given to transfert-import: %+v", r)
	}
	if r := run(t, "decouper", "--connexion", src, "--dossier", "1", "--premier-exercice", "2020", "--vers", cutDir, "--securite", safety); r.code != 0 || !strings.Contains(r.stdout, "001SOC_CUT001.db") {
		t.Fatalf("decouper: %+v", r)
	}
	if r := run(t, "decouper", "--connexion", src, "--dossier", "1", "--vers", cutDir); r.code != 2 {
		t.Fatalf("decouper without --premier-exercice: %+v", r)
	}
	for _, verb := range []string{"exporter", "transfert-export", "transfert-import", "decouper", "cut", "export"} {
		if r := run(t, verb, "--help"); r.code != 0 || !strings.Contains(r.stdout, "coffre ") {
			t.Errorf("%s --help: %+v", verb, r)
		}
	}
}

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"coffre/internal/config"
	"coffre/internal/dossiertest"
)

// « coffre service nouvelle-cle-age » prints the recovery sheet with the
// private key and writes only the public key to coffre.toml; the automatic
// backup is then encrypted for it; the key copied from the sheet restores
// it (--identite-fichier) and opens it with the real age; a passphrase is
// refused with « pour une clé (X25519) », not « incorrecte ». With chiffrement = phrase,
// fiche-de-secours shows the stored phrase.
func TestAutomaticBackupForAgeKey(t *testing.T) {
	root := t.TempDir()
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	t.Setenv("COFFRE_CONFIG", filepath.Join(root, "config"))
	t.Setenv("COFFRE_DATA", filepath.Join(root, "data"))
	conn, dest := filepath.Join(root, "dossiers"), filepath.Join(root, "sauvegardes")
	os.MkdirAll(conn, 0o755)
	os.MkdirAll(dest, 0o755)
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	cfgPath := filepath.Join(root, "coffre.toml")
	cfg := config.Default()
	cfg.Auto.Active, cfg.Auto.Connexion, cfg.Auto.Destination = true, conn, dest
	if err := config.Save(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}

	r := run(t, "service", "nouvelle-cle-age", "--config", cfgPath)
	key := regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(r.stdout)
	if r.code != 0 || key == "" || !strings.Contains(r.stdout, "FICHE DE SECOURS") || !strings.Contains(r.stdout, "age -d -i cle.txt") {
		t.Fatalf("new key: %+v", r)
	}
	toml, _ := os.ReadFile(cfgPath)
	if strings.Contains(string(toml), "AGE-SECRET-KEY") || !strings.Contains(string(toml), `cle_age = "age1`) {
		t.Fatalf("coffre.toml:\n%s", toml)
	}
	if r := run(t, "service", "maintenant", "--config", cfgPath); r.code != 0 {
		t.Fatalf("automatic backup: %+v", r)
	}
	files, _ := filepath.Glob(filepath.Join(dest, "001-SOC_*.pbf"))
	if len(files) != 1 {
		t.Fatalf("backups: %v", files)
	}
	keyFile := filepath.Join(root, "cle.txt")
	os.WriteFile(keyFile, []byte(key+"\r\n"), 0o600) // copied by hand from the sheet, in Notepad
	phraseFile := filepath.Join(root, "phrase.txt")
	os.WriteFile(phraseFile, []byte("trois chats sur le toit"), 0o600)
	if r := run(t, "verifier", files[0], "--phrase-secrete-fichier", phraseFile); r.code == 0 || !strings.Contains(r.stderr, "pour une clé (X25519)") {
		t.Errorf("a passphrase for a key's file: %+v", r)
	}
	if r := run(t, "verifier", files[0]); r.code == 0 || !strings.Contains(r.stderr, "--identite-fichier") {
		t.Errorf("no secret for a key's file: %+v", r)
	}
	if r := run(t, "verifier", files[0], "--complet", "--identite-fichier", keyFile); r.code != 0 {
		t.Fatalf("verify with the key: %+v", r)
	}
	target := filepath.Join(root, "restaure")
	os.MkdirAll(target, 0o755)
	if r := run(t, "restaurer", files[0], "--connexion", target, "--identite-fichier", keyFile); r.code != 0 {
		t.Fatalf("restore with the key: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(target, "001SOC.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("age"); err == nil {
		out, err := exec.Command("sh", "-c", "age -d -i '"+keyFile+"' '"+files[0]+"' | zstd -d | tar t").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "dossier.db") {
			t.Errorf("age -d -i | zstd -d | tar t: %v %s", err, out)
		}
	}

	// Passphrase mode: the sheet shows the stored phrase; a weak one is refused.
	weak := filepath.Join(root, "faible.txt")
	os.WriteFile(weak, []byte("abc\n"), 0o600)
	if r := run(t, "service", "mot-de-passe", "--config", cfgPath, "--phrase-fichier", weak); r.code == 0 || !strings.Contains(r.stderr, "au moins 10 caractères") {
		t.Errorf("weak automatic phrase: %+v", r)
	}
	if r := run(t, "service", "mot-de-passe", "--config", cfgPath, "--phrase-fichier", phraseFile); r.code != 0 {
		t.Fatalf("store the phrase: %+v", r)
	}
	cfg, _ = config.Load(cfgPath)
	cfg.Auto.Chiffrement, cfg.Auto.CleAge = config.ChiffrementPhrase, ""
	config.Save(cfgPath, cfg)
	if r := run(t, "service", "fiche-de-secours", "--config", cfgPath); r.code != 0 || !strings.Contains(r.stdout, "trois chats sur le toit") || !strings.Contains(r.stdout, "--phrase-secrete-fichier") {
		t.Errorf("sheet for a phrase: %+v", r)
	}
}

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	c := Default()
	c.Auto.Active, c.Auto.Jours, c.Auto.Dossiers, c.Auto.ApresNEcritures = true, []string{"lundi", "vendredi"}, []string{"001"}, 50
	c.Distant = Distant{Type: DistantSFTP, Hote: "sauvegarde.example", Port: 22, Utilisateur: "cabinet", Authentication: AuthMotDePasse, Conserver: 7}
	if err := Save(p, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Auto.ApresNEcritures != 50 || got.Distant.Hote != "sauvegarde.example" || len(got.Auto.Jours) != 2 {
		t.Errorf("round trip: %+v", got)
	}
	b, _ := os.ReadFile(p)
	if !strings.HasPrefix(string(b), "# Coffre") || !strings.Contains(string(b), "apres_n_ecritures = 50") {
		t.Errorf("file not documented:\n%s", b)
	}
}

func TestValidate(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"heure":       func(c *Config) { c.Auto.Heure = "25:99" },
		"jour":        func(c *Config) { c.Auto.Jours = []string{"funday"} },
		"conserver":   func(c *Config) { c.Auto.Conserver = 0 },
		"declencheur": func(c *Config) { c.Auto.Active, c.Auto.Heure = true, "" },
		"sftp":        func(c *Config) { c.Distant.Type = DistantSFTP },
		"smtp":        func(c *Config) { c.Email.Active = true },
		"adresse":     func(c *Config) { c.Destinataire.Adresses = []string{"pas une adresse"} },
	} {
		c := Default()
		edit(&c)
		if err := c.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("default: %v", err)
	}
}

func TestPasswordKeyRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte("[email]\nhote = \"smtp.example\"\nmot_de_passe = \"secret\"\n"), 0o600)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "mot de passe en clair") {
		t.Errorf("got %v", err)
	}
}

func TestFileSecrets(t *testing.T) {
	cfg, data := t.TempDir(), t.TempDir()
	t.Setenv("COFFRE_CONFIG", cfg)
	t.Setenv("COFFRE_DATA", data)
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	s := OpenSecrets()
	const pw = "Sentinelle-Mot-De-Passe-42"
	if _, err := s.Get(SecretSMTP); !errors.Is(err, ErrNoSecret) {
		t.Errorf("empty store: %v", err)
	}
	if err := s.Set(SecretSMTP, pw); err != nil {
		t.Fatal(err)
	}
	if got, err := OpenSecrets().Get(SecretSMTP); err != nil || got != pw {
		t.Errorf("got %q %v", got, err)
	}
	for _, dir := range []string{cfg, data} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			if strings.Contains(string(b), pw) {
				t.Errorf("password in clear in %s", e.Name())
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(cfg, "secret.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
	// Another key (the data folder copied elsewhere) cannot read it.
	os.Remove(filepath.Join(cfg, "secret.key"))
	os.WriteFile(filepath.Join(cfg, "secret.key"), make([]byte, 32), 0o600)
	if _, err := s.Get(SecretSMTP); err == nil {
		t.Errorf("decrypted with the wrong key")
	}
}

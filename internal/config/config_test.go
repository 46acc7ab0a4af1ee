package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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
	// Windows has no permission bits: the key is in the user's own profile.
	if fi, err := os.Stat(filepath.Join(cfg, "secret.key")); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("key file: %v %v", fi, err)
	}
	// Another key (the data folder copied elsewhere) cannot read it.
	os.Remove(filepath.Join(cfg, "secret.key"))
	os.WriteFile(filepath.Join(cfg, "secret.key"), make([]byte, 32), 0o600)
	if _, err := s.Get(SecretSMTP); err == nil {
		t.Errorf("decrypted with the wrong key")
	}
}

// #11.9: a misspelt or misplaced key is refused, with its line and the key
// meant, instead of being silently ignored (the setting would fall back to
// a default nobody chose).
func TestUnknownKeysRefused(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string
	}{
		{"cle-mal-ecrite", "[sauvegarde_automatique]\nactive = true\n\nheure_quotidienne = \"21:30\"\n",
			[]string{"ligne 4", "« heure_quotidienne »", "[sauvegarde_automatique]", "vouliez-vous dire « heure »"}},
		{"faute-de-frappe", "# réglages\n[email]\nactive = false\nexpediteru = \"a@b.fr\"\n",
			[]string{"ligne 4", "« expediteru »", "vouliez-vous dire « expediteur »"}},
		{"section-inconnue", "[sauvegarde_auto]\nactive = true\n",
			[]string{"ligne 1", "section [sauvegarde_auto]", "vouliez-vous dire « [sauvegarde_automatique] »"}},
		{"hors-section", "conserver = 5\n[email]\nactive = false\n",
			[]string{"ligne 1", "« conserver » est hors de toute section", "elle appartient à la section"}},
		{"rien-de-proche", "[copie_distante]\ntype = \"\"\nxyzzy = 1\n",
			[]string{"ligne 3", "« xyzzy »"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			os.WriteFile(p, []byte(c.text), 0o600)
			_, err := Load(p)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("accepted: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
	// Every key the file may hold, as Save writes them, loads back.
	p := filepath.Join(t.TempDir(), FileName)
	c := Default()
	c.Email.ResumeHebdomadaire, c.Email.EchecsSeulement = "lundi", true
	if err := Save(p, c); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(p); err != nil || got.Email.ResumeHebdomadaire != "lundi" || !got.Email.EchecsSeulement {
		t.Errorf("round trip: %+v %v", got.Email, err)
	}
}

// #11.9: without coffre.toml, the service and the watch do not run on
// defaults nobody chose: Require says there is no configuration.
func TestRequireMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if _, err := Require(p); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "n'existe pas") {
		t.Errorf("got %v", err)
	}
	if _, err := Load(p); err != nil {
		t.Errorf("Load (the Configuration screen's first start) refuses a missing file: %v", err)
	}
	c := Default()
	c.Email.ResumeHebdomadaire = "lundii"
	if err := c.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown digest day passed: %v", err)
	}
}

// The README documents every key of coffre.toml (a new key must be added
// to its table), and its complete example loads as it is.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "### `coffre.toml`")
	if start < 0 {
		t.Fatal("README has no « coffre.toml » section")
	}
	doc = doc[start:]
	table := doc[:strings.Index(doc, "Exemple complet")]
	for sec, keys := range Keys() {
		if !strings.Contains(table, "`["+sec+"]`") {
			t.Errorf("README: section [%s] not in the table", sec)
		}
		for _, k := range keys {
			if !strings.Contains(table, "`"+k+"`") {
				t.Errorf("README: key %s.%s not in the table", sec, k)
			}
		}
	}
	ex := doc[strings.Index(doc, "```toml\n")+len("```toml\n"):]
	ex = ex[:strings.Index(ex, "```")]
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte(ex), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatalf("README's example: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("README's example: %v", err)
	}
}

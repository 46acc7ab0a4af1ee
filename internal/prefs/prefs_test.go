package prefs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemembersAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("COFFRE_CONFIG", dir)
	if got := Load(); got != (Prefs{}) {
		t.Fatalf("nothing saved yet: %+v", got)
	}
	if err := Update(func(p *Prefs) { p.Destination = "/srv/sauvegardes" }); err != nil {
		t.Fatal(err)
	}
	if err := Update(func(p *Prefs) { p.Connexion = "/srv/dossiers" }); err != nil {
		t.Fatal(err)
	}
	got := Load()
	if got.Destination != "/srv/sauvegardes" || got.Connexion != "/srv/dossiers" {
		t.Fatalf("Load = %+v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
}

func TestDamagedFileGivesEmptyPrefs(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("COFFRE_CONFIG", dir)
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := Load(); got != (Prefs{}) {
		t.Fatalf("Load = %+v", got)
	}
}

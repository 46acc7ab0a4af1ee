package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"coffre/internal/cli"
)

// fakeGUI records what the command line asked of the windows.
type fakeGUI struct{ calls []string }

func (g *fakeGUI) Wizard(conn string) error { g.calls = append(g.calls, "wizard "+conn); return nil }
func (g *fakeGUI) ExitPrompt(conn, emp string) error {
	g.calls = append(g.calls, "exit "+conn+" "+emp)
	return nil
}
func (g *fakeGUI) OpenFile(conn, file string) error {
	g.calls = append(g.calls, "open "+conn+" "+file)
	return nil
}

// TestOpenFile: « coffre FICHIER.pbf » (Explorer's double-click on a
// backup, a transfer or an archive) opens the wizard with that file; a
// missing file is named in French; before, it was « Commande inconnue ».
func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "001-SOC_20261206_2100.pbf"), filepath.Join(dir, "envoi.PTF"), filepath.Join(dir, "archive 2019.paf")}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		g := &fakeGUI{}
		var out, errb bytes.Buffer
		code := cli.Run(&cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &errb, GUI: g}, []string{"--langue", "fr", f})
		if code != cli.ExitOK || len(g.calls) != 1 || g.calls[0] != "open  "+f {
			t.Errorf("coffre %s: code %d, calls %q, %s", f, code, g.calls, errb.String())
		}
	}
	g := &fakeGUI{}
	var out, errb bytes.Buffer
	code := cli.Run(&cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &errb, GUI: g}, []string{"--langue", "fr", "--connexion", dir, files[0]})
	if code != cli.ExitOK || len(g.calls) != 1 || g.calls[0] != "open "+dir+" "+files[0] {
		t.Errorf("--connexion then a file: code %d, calls %q, %s", code, g.calls, errb.String())
	}
	missing := filepath.Join(dir, "absente.pbf")
	errb.Reset()
	g = &fakeGUI{}
	code = cli.Run(&cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &errb, GUI: g}, []string{"--langue", "fr", missing})
	if code != cli.ExitError || len(g.calls) != 0 || !strings.Contains(errb.String(), "introuvable") || !strings.Contains(errb.String(), missing) {
		t.Errorf("missing file: code %d, calls %q, %q", code, g.calls, errb.String())
	}
	if r := run(t, "document.txt"); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "Commande inconnue") {
		t.Errorf("another file: %+v", r)
	}
}

// TestServiceInstallFileOnly: « service installer --fichier-seulement »
// writes the systemd user unit for the configuration file given and prints
// the commands and the linger hint, registering nothing.
func TestServiceInstallFileOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("on Windows the task file is written beside coffre.toml; schtasks does not run under Wine")
	}
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	cfg := filepath.Join(t.TempDir(), "coffre.toml")
	if err := os.WriteFile(cfg, []byte("[sauvegarde_automatique]\nheure = \"20:15\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "service", "installer", "--fichier-seulement", "--config", cfg)
	unit := filepath.Join(home, "systemd", "user", "coffre.service")
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "Service écrit dans "+unit) ||
		!strings.Contains(r.stdout, "systemctl --user enable --now coffre.service") || !strings.Contains(r.stdout, "loginctl enable-linger") {
		t.Fatalf("%+v", r)
	}
	b, err := os.ReadFile(unit)
	if err != nil || !strings.Contains(string(b), "service --sans-icone --config "+cfg) {
		t.Errorf("unit: %v\n%s", err, b)
	}
	if r := run(t, "service", "installer", "--help"); r.code != cli.ExitOK || !strings.Contains(r.stdout, "--sans-session") {
		t.Errorf("help: %+v", r)
	}
	if r := run(t, "service", "desinstaller", "--help"); r.code != cli.ExitOK {
		t.Errorf("desinstaller help: %+v", r)
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMain runs main itself when the test binary is started as the
// program (COFFRE_TEST_MAIN=1): the tests below exec it like a user would
// exec coffre, without building it again.
func TestMain(m *testing.M) {
	if os.Getenv("COFFRE_TEST_MAIN") == "1" {
		os.Args = append([]string{"coffre"}, strings.Fields(os.Getenv("COFFRE_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestNoDisplay (issue 17, point 15): without a display, every command
// that opens a window says so in French, says the command line works, and
// exits 1 — before this test, Fyne logged « failed to initialise GLFW »
// and the program ended in an internal-error crash report (exit 70).
func TestNoDisplay(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("a Windows or macOS session always has a display; the missing OpenGL is probed at run time")
	}
	data := t.TempDir()
	backup := filepath.Join(t.TempDir(), "001-SOC_20261206_2100.pbf")
	if err := os.WriteFile(backup, []byte("pas une sauvegarde"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range []string{"", "--demo", "--connexion " + data, "quitter", backup} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(withoutDisplay(), "COFFRE_TEST_MAIN=1", "COFFRE_TEST_ARGS=--langue fr "+args,
			"COFFRE_DATA="+data, "COFFRE_CONFIG="+filepath.Join(data, "config"))
		out, err := cmd.CombinedOutput()
		code := cmd.ProcessState.ExitCode()
		text := string(out)
		if err != nil && code < 0 {
			t.Fatalf("coffre %s: %v", args, err)
		}
		if code != 1 {
			t.Errorf("coffre %s: exit code %d, want 1:\n%s", args, code, text)
		}
		if !strings.Contains(text, "ne peut pas s'ouvrir sur cet ordinateur (pas d'écran dans cette session)") ||
			!strings.Contains(text, "« coffre --help » liste les commandes") {
			t.Errorf("coffre %s: no French explanation:\n%s", args, text)
		}
		for _, bad := range []string{"GLFW", "goroutine", "panic", "Fyne error", "plantage"} {
			if strings.Contains(text, bad) {
				t.Errorf("coffre %s: %q in the output:\n%s", args, bad, text)
			}
		}
		if lines := strings.Count(strings.TrimSpace(text), "\n") + 1; lines != 1 {
			t.Errorf("coffre %s: %d lines, want one:\n%s", args, lines, text)
		}
	}
}

func withoutDisplay() []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "DISPLAY" && k != "WAYLAND_DISPLAY" && k != "COFFRE_TEST_ARGS" {
			env = append(env, kv)
		}
	}
	return env
}

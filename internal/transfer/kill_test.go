package transfer_test

import (
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/transfer"
)

// fixedNow stamps `transferts.applique_le` identically in every run.
func fixedNow() time.Time { return time.Date(2026, 11, 21, 21, 30, 0, 0, time.UTC) }

// copyFile copies a closed database file.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// killAfter runs the test named child in a subprocess with env, and kills
// it with SIGKILL after n progress events ('#' on its stdout).
func killAfter(t *testing.T, child string, n int, env ...string) {
	t.Helper()
	cmd := osexec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.v")
	cmd.Env = append(append(os.Environ(), "COFFRE_KILL_CHILD=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	for seen := 0; seen < n; {
		if _, err := stdout.Read(buf); err != nil {
			break
		}
		if buf[0] == '#' {
			seen++
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// TestKill9Import kills transfert-import at many points: the receiving
// dossier is always exactly as before or exactly as after, and the next
// import (if it had not happened) goes through.
func TestKill9Import(t *testing.T) {
	if os.Getenv("COFFRE_KILL_CHILD") != "" {
		return
	}
	s := newSites(t, buildV1)
	exec(t, s.srcPath(), fewChanges...)
	for i := 0; i < 300; i++ {
		execNoFK(t, s.srcPath(), `INSERT INTO notes_internes (cle, texte) VALUES (?, ?)`, "k"+strconv.Itoa(i), "note")
	}
	p := s.export(t).Path
	pristine := filepath.Join(t.TempDir(), "pristine.db")
	copyFile(t, s.dstPath(), pristine)
	before := dossiertest.RowHash(t, pristine)
	if _, err := transfer.Import(context.Background(), transfer.ImportRequest{File: p, Store: s.dst, Numero: "001", SafetyDir: s.safety, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	after := dossiertest.RowHash(t, s.dstPath())

	sawBefore, sawAfter := false, false
	for _, n := range []int{1, 2, 3, 5, 8, 12, 16, 20, 24, 28, 32, 40} {
		dir := t.TempDir()
		copyFile(t, pristine, filepath.Join(dir, "001SOC.db"))
		killAfter(t, "TestKillImportChild", n, "COFFRE_KILL_DIR="+dir, "COFFRE_KILL_FILE="+p, "COFFRE_KILL_SAFETY="+t.TempDir())
		got := dossiertest.RowHash(t, filepath.Join(dir, "001SOC.db"))
		switch got {
		case before:
			sawBefore = true
			f, _ := sqlitestore.Open(dir)
			if _, err := transfer.Import(context.Background(), transfer.ImportRequest{File: p, Store: f, Numero: "001", SafetyDir: t.TempDir(), Now: fixedNow}); err != nil {
				t.Fatalf("import after a kill at event %d: %v", n, err)
			}
			if dossiertest.RowHash(t, filepath.Join(dir, "001SOC.db")) != after {
				t.Fatalf("import after a kill at event %d did not reach the after state", n)
			}
		case after:
			sawAfter = true
		default:
			t.Fatalf("kill after %d events left the dossier between before and after", n)
		}
	}
	t.Logf("kills landed before: %v, after: %v", sawBefore, sawAfter)
	if !sawBefore {
		t.Fatal("no kill landed before the commit: the test does not exercise the transaction")
	}
}

// TestKillImportChild is the subprocess of TestKill9Import.
func TestKillImportChild(t *testing.T) {
	if os.Getenv("COFFRE_KILL_CHILD") == "" {
		t.Skip("subprocess of TestKill9Import")
	}
	f, err := sqlitestore.Open(os.Getenv("COFFRE_KILL_DIR"))
	if err != nil {
		t.Fatal(err)
	}
	transfer.Import(context.Background(), transfer.ImportRequest{File: os.Getenv("COFFRE_KILL_FILE"), Store: f, Numero: "001", SafetyDir: os.Getenv("COFFRE_KILL_SAFETY"), Now: fixedNow,
		Progress: func(e dossier.Event) {
			os.Stdout.WriteString("#")
			time.Sleep(15 * time.Millisecond)
		}})
	os.Stdout.WriteString("##################################################")
}

package faults

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/fsutil"
)

// KilledSQLiteWriter runs the sqlite3 command line on db, leaves it inside
// the write transaction sql (with a tiny page cache, so pages spill into
// the file) and kills it with SIGKILL: what a management program that
// crashes mid-write leaves, db plus a hot db-journal. It skips the test when
// sqlite3 is not installed (make deps installs it).
func KilledSQLiteWriter(tb testing.TB, db string, sql ...string) {
	tb.Helper()
	cmd := SQLiteWriter(tb, db, append([]string{"PRAGMA cache_size = 10"}, sql...)...)
	cmd.Process.Kill()
	cmd.Wait()
	if fi, err := os.Stat(db + "-journal"); err != nil || fi.Size() == 0 {
		tb.Fatalf("no hot journal left by the killed writer: %v", err)
	}
}

// SQLiteWriter starts the sqlite3 command line on db, runs sql and returns
// once it has, with the process still alive (in the middle of a transaction
// if sql opened one); the caller kills or waits for it.
func SQLiteWriter(tb testing.TB, db string, sql ...string) *exec.Cmd {
	tb.Helper()
	if fsutil.UnderWine() {
		tb.Skip("sous Wine, le sqlite3 de Debian (programme Linux) ne peut être attendu par un processus Windows")
	}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		tb.Skip("sqlite3 command line not installed")
	}
	ready := filepath.Join(tb.TempDir(), "pret")
	cmd := exec.Command("sqlite3", db)
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The command line buffers its output into a pipe: it says it is done
	// by creating a file instead.
	script := strings.Join(sql, ";\n") + ";\n.system touch '" + ready + "'\n"
	if _, err := io.WriteString(in, script); err != nil {
		tb.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(ready); err == nil {
			return cmd
		}
		if i == 1200 {
			tb.Fatalf("sqlite3 did not run its statements: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

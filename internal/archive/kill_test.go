package archive_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/internal/archive"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/pack"
	"coffre/internal/store/sqlitestore"
)

// events runs op in-process and returns the phases of its progress events,
// in order, so the crash test can aim at each of them.
func events(t *testing.T, op func(p dossier.Progress) error) []dossier.Phase {
	t.Helper()
	var out []dossier.Phase
	if err := op(func(e dossier.Event) { out = append(out, e.Phase) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// killPoints picks, among n events, the first of each phase, the one before
// each phase change, and every event of the transactions' phases.
func killPoints(phases []dossier.Phase) []int {
	seen := map[int]bool{}
	var out []int
	add := func(i int) {
		if i >= 1 && i <= len(phases) && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	for i, p := range phases {
		if i == 0 || phases[i-1] != p {
			add(i + 1)
			add(i)
		}
		if p == archive.PhaseArchivage || p == archive.PhaseDesarchivage {
			add(i + 1)
		}
	}
	add(len(phases))
	return out
}

// TestKill9 kills an archiving, then a de-archiving, subprocess at every
// phase, inside their transactions included: the dossier is always exactly
// in its state before or after, and any .paf under a final name reads.
func TestKill9(t *testing.T) {
	if os.Getenv("COFFRE_ARCHIVE_CHILD") != "" {
		return
	}
	// The states: original, and archived (2014–2015), computed in-process.
	ref := newEnv(t, buildV1)
	original := dossiertest.RowHash(t, ref.path)
	phases := events(t, func(p dossier.Progress) error {
		_, err := archive.Run(context.Background(), archive.Request{Store: ref.store, Numero: "001", Exercices: []string{"2014", "2015"},
			DestDir: ref.dest, SafetyDir: ref.safety, Progress: p})
		return err
	})
	archived := dossiertest.RowHash(t, ref.path)
	paf := filepath.Join(ref.dest, "001-SOC_archive_2014-2015.paf")
	backPhases := events(t, func(p dossier.Progress) error {
		_, err := archive.Restore(context.Background(), archive.RestoreRequest{File: paf, Store: ref.store, Numero: "001", SafetyDir: ref.safety, Progress: p})
		return err
	})
	if dossiertest.RowHash(t, ref.path) != original {
		t.Fatal("in-process round trip is not the identity")
	}

	for _, c := range []struct {
		op            string
		phases        []dossier.Phase
		before, after string
	}{
		{"archiver", phases, original, archived},
		{"desarchiver", backPhases, archived, original},
	} {
		points := killPoints(c.phases)
		t.Logf("%s: %d events, killed after %v", c.op, len(c.phases), points)
		for _, n := range append(points, -1) { // -1: after the end
			e := newEnv(t, buildV1)
			if c.op == "desarchiver" {
				if _, err := archive.Run(context.Background(), archive.Request{Store: e.store, Numero: "001", Exercices: []string{"2014", "2015"}, DestDir: e.dest, SafetyDir: e.safety}); err != nil {
					t.Fatal(err)
				}
			}
			phase := killChild(t, c.op, e, n)
			got := dossiertest.RowHash(t, e.path)
			if got != c.before && got != c.after {
				t.Fatalf("%s killed after %d events (%s): the dossier is neither before nor after", c.op, n, phase)
			}
			for _, name := range names(t, e.dest) {
				if strings.HasSuffix(name, dossier.ExtPAF) {
					if _, err := pack.Read(context.Background(), filepath.Join(e.dest, name), pack.ReadOptions{}, nil); err != nil {
						t.Fatalf("%s killed after %d events left a bad %s: %v", c.op, n, name, err)
					}
				}
			}
			state := "avant"
			if got == c.after {
				state = "après"
			}
			t.Logf("%s killed after %d events (%s): %s", c.op, n, phase, state)
			if n == -1 && got != c.after {
				t.Fatalf("%s ran to the end but the dossier is not in its after state", c.op)
			}
			// The next operation sweeps the temp files and works.
			s, _ := sqlitestore.Open(e.conn)
			if got == original {
				_, err := archive.Run(context.Background(), archive.Request{Store: s, Numero: "001", Exercices: []string{"2014", "2015"}, DestDir: e.dest, SafetyDir: e.safety})
				if err != nil {
					t.Fatalf("%s killed after %d: archiving afterwards: %v", c.op, n, err)
				}
			}
			for _, name := range names(t, e.dest) {
				if strings.HasPrefix(name, ".") {
					t.Fatalf("%s killed after %d: %s left after the next run", c.op, n, name)
				}
			}
		}
	}
}

// killChild runs op in a subprocess and SIGKILLs it after n progress events
// (n = -1: once it has finished). It returns the phase it was killed in.
func killChild(t *testing.T, op string, e *env, n int) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "COFFRE_ARCHIVE_CHILD="+op, "COFFRE_KILL_CONN="+e.conn, "COFFRE_KILL_DEST="+e.dest, "COFFRE_KILL_SAFETY="+e.safety)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	seen, phase := 0, ""
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "FIN") {
			if n == -1 {
				phase = "fin"
				break
			}
			t.Fatalf("%s: child finished after %d events, before event %d: %s", op, seen, n, line)
		}
		if p, ok := strings.CutPrefix(line, "#"); ok {
			seen++
			phase = p
			if seen == n {
				break
			}
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	return phase
}

// TestKillChild is the subprocess of TestKill9: it prints one line per
// progress event and pauses there, so the parent kills it at that point.
func TestKillChild(t *testing.T) {
	op := os.Getenv("COFFRE_ARCHIVE_CHILD")
	if op == "" {
		t.Skip("subprocess of TestKill9")
	}
	s, err := sqlitestore.Open(os.Getenv("COFFRE_KILL_CONN"))
	if err != nil {
		t.Fatal(err)
	}
	progress := func(e dossier.Event) {
		os.Stdout.WriteString("#" + string(e.Phase) + "\n")
		time.Sleep(30 * time.Millisecond)
	}
	dest, safety := os.Getenv("COFFRE_KILL_DEST"), os.Getenv("COFFRE_KILL_SAFETY")
	switch op {
	case "archiver":
		_, err = archive.Run(context.Background(), archive.Request{Store: s, Numero: "001", Exercices: []string{"2014", "2015"}, DestDir: dest, SafetyDir: safety, Progress: progress})
	case "desarchiver":
		_, err = archive.Restore(context.Background(), archive.RestoreRequest{File: filepath.Join(dest, "001-SOC_archive_2014-2015.paf"), Store: s, Numero: "001", SafetyDir: safety, Progress: progress})
	}
	os.Stdout.WriteString("FIN " + errString(err) + "\n")
	time.Sleep(time.Minute)
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

//go:build !windows

package remote

import (
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/testenv"
)

// sentBytes is what b's connections have written so far (0 for a folder).
func sentBytes(b Backend) int64 {
	if g, ok := b.(*guarded); ok {
		b = g.b
	}
	if r, ok := b.(activityReporter); ok {
		return r.activity().sent.Load()
	}
	return 0
}

// temps lists the temporary uploads in b.
func temps(t *testing.T, b Backend) []File {
	t.Helper()
	files, err := b.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []File
	for _, f := range files {
		if IsTemp(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// checkResumed checks a copy that resumed an interrupted upload: validated,
// resumed at a chunk past the start, sending (as counted by Copy and on the
// wire) less than the file, and nothing temporary left.
func checkResumed(t *testing.T, b Backend, res CopyResult, wire int64) {
	t.Helper()
	if res.Status != Validated || res.Resumed <= 0 || res.Resumed%chunk != 0 || res.Sent != res.Size-res.Resumed {
		t.Fatalf("the copy after the interruption did not resume: %+v", res)
	}
	if wire > 0 && wire >= res.Size {
		t.Errorf("%d bytes went on the wire for a file of %d resumed at %d", wire, res.Size, res.Resumed)
	}
	if l := temps(t, b); len(l) != 0 {
		t.Errorf("temporary uploads left: %+v", l)
	}
}

// An SFTP upload cut off by the server's death (the sshd session process
// killed mid-upload) leaves a partial file under its temporary name, never
// the final one; the next copy, on a new connection, sends only the rest,
// and the copy verifies on arrival. A partial whose source has changed
// since is discarded and the file sent whole.
func TestResumeSFTPServerKilled(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_PID")
	sshdPID, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PID"])
	o := trusted(t)
	o.Timeout = 5 * time.Second
	ctx := context.Background()
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 40<<20)
	cut := func() CopyResult {
		s, err := DialSFTP(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		killed := false
		res := Copy(ctx, Guard(s, o.Timeout), src, CopyOptions{Progress: func(e dossier.Event) {
			if !killed && e.Phase == PhaseUpload && e.Done > 16<<20 {
				killed = true
				for _, p := range sessionProcesses(t, sshdPID, s.ssh.Conn.LocalAddr()) {
					syscall.Kill(p, syscall.SIGKILL)
				}
			}
		}})
		if !killed || res.Status != Failed || res.Detail == "" || strings.Contains(res.Detail, "Erreur inattendue") {
			t.Fatalf("copy while the server died: killed %v, %+v", killed, res)
		}
		return res
	}
	cut()
	if _, err := os.Stat(filepath.Join(o.Dir, filepath.Base(src))); err == nil {
		t.Fatal("the final name exists after an interrupted upload")
	}

	s, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g := Guard(s, o.Timeout)
	if l := temps(t, g); len(l) != 1 || l[0].Size < 8<<20 {
		t.Fatalf("the interrupted upload left %+v, want one partial file of more than 8 MiB", l)
	}
	before := sentBytes(g)
	res := Copy(ctx, g, src, CopyOptions{})
	checkResumed(t, g, res, sentBytes(g)-before)
	if got, want := mustRead(t, filepath.Join(o.Dir, filepath.Base(src))), mustRead(t, src); string(got) != string(want) {
		t.Fatal("the resumed copy differs from the source")
	}
	t.Logf("resumed at %d of %d, %d bytes sent", res.Resumed, res.Size, res.Sent)

	// The source changes under the same name: the partial is not resumed.
	os.Remove(filepath.Join(o.Dir, filepath.Base(src)))
	cut()
	b := make([]byte, 40<<20)
	rand.Read(b)
	os.WriteFile(src, b, 0o644)
	s2, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	g2 := Guard(s2, o.Timeout)
	if l := temps(t, g2); len(l) != 1 {
		t.Fatalf("the interrupted upload left %+v, want one partial file", l)
	}
	res = Copy(ctx, g2, src, CopyOptions{})
	if res.Status != Validated || res.Resumed != 0 || res.Sent != res.Size {
		t.Fatalf("a partial of other content was resumed: %+v", res)
	}
	if l := temps(t, g2); len(l) != 0 {
		t.Errorf("temporary uploads left: %+v", l)
	}
	if got := mustRead(t, filepath.Join(o.Dir, filepath.Base(src))); string(got) != string(b) {
		t.Fatal("the copy differs from the changed source")
	}
}

// A network folder: Coffre stopped mid-upload (its context cancelled, as a
// killed process leaves the file) resumes the same way, and a damaged
// partial (its tail changed on the share) is not trusted.
func TestResumeFolder(t *testing.T) {
	dir := t.TempDir()
	f := Folder{Dir: dir}
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 9<<20+12345)
	ctx, cancel := context.WithCancel(context.Background())
	res := Copy(ctx, f, src, CopyOptions{Progress: func(e dossier.Event) {
		if e.Phase == PhaseUpload && e.Done > 5<<20 {
			cancel()
		}
	}})
	if res.Status != Failed {
		t.Fatalf("cancelled copy: %+v", res)
	}
	if l := temps(t, f); len(l) != 1 {
		t.Fatalf("the interrupted upload left %+v, want one partial file", l)
	}
	res = Copy(context.Background(), f, src, CopyOptions{})
	checkResumed(t, f, res, 0)
	if string(mustRead(t, filepath.Join(dir, filepath.Base(src)))) != string(mustRead(t, src)) {
		t.Fatal("the resumed copy differs from the source")
	}

	// A partial whose last chunk no longer matches: sent again whole.
	os.Remove(filepath.Join(dir, filepath.Base(src)))
	ctx, cancel = context.WithCancel(context.Background())
	Copy(ctx, f, src, CopyOptions{Progress: func(e dossier.Event) {
		if e.Phase == PhaseUpload && e.Done > 5<<20 {
			cancel()
		}
	}})
	l := temps(t, f)
	if len(l) != 1 {
		t.Fatalf("the interrupted upload left %+v", l)
	}
	p := filepath.Join(dir, l[0].Name)
	fh, _ := os.OpenFile(p, os.O_WRONLY, 0)
	fh.WriteAt([]byte("abîmé"), resumePoint(l[0].Size, res.Size)-100)
	fh.Close()
	res = Copy(context.Background(), f, src, CopyOptions{})
	if res.Status != Validated || res.Resumed != 0 || res.Sent != res.Size {
		t.Fatalf("a damaged partial was resumed: %+v", res)
	}
}

// The Coffre process itself killed (SIGKILL) mid-upload, to a network folder
// and to SFTP: what it left is resumed by the next process.
func TestResumeAfterProcessKilled(t *testing.T) {
	if dir := os.Getenv("COFFRE_TEST_RESUME_CHILD"); dir != "" {
		// The child: a slow copy, killed by the parent.
		var b Backend = Folder{Dir: dir}
		if dir == "sftp" {
			o := trusted(t)
			o.KnownHosts = os.Getenv("COFFRE_TEST_RESUME_KNOWN")
			o.Dir = os.Getenv("COFFRE_TEST_RESUME_DIR")
			s, err := DialSFTP(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			b = s
		}
		Copy(context.Background(), b, os.Getenv("COFFRE_TEST_RESUME_SRC"), CopyOptions{Progress: func(e dossier.Event) {
			if e.Phase == PhaseUpload {
				time.Sleep(50 * time.Millisecond)
			}
		}})
		t.Fatal("the child was not killed")
	}
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 24<<20)
	for _, kind := range []string{"dossier", "sftp"} {
		t.Run(kind, func(t *testing.T) {
			var (
				b       Backend
				dir     string
				env     = []string{"COFFRE_TEST_RESUME_SRC=" + src}
				partial func() int64
			)
			if kind == "sftp" {
				o := trusted(t)
				s, err := DialSFTP(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				b, dir = Guard(s, 10*time.Second), o.Dir
				env = append(env, "COFFRE_TEST_RESUME_CHILD=sftp", "COFFRE_TEST_RESUME_KNOWN="+o.KnownHosts, "COFFRE_TEST_RESUME_DIR="+o.Dir)
			} else {
				dir = t.TempDir()
				b = Folder{Dir: dir}
				env = append(env, "COFFRE_TEST_RESUME_CHILD="+dir)
			}
			partial = func() int64 {
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if fi, err := e.Info(); err == nil && IsTemp(e.Name()) {
						return fi.Size()
					}
				}
				return 0
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterProcessKilled$")
			cmd.Env = append(os.Environ(), env...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Minute)
			for partial() < 6<<20 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Kill()
			cmd.Wait()
			if n := partial(); n < 6<<20 || n >= 24<<20 {
				t.Fatalf("the killed process left a partial of %d bytes", n)
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.Base(src))); err == nil {
				t.Fatal("the final name exists after the process was killed")
			}
			before := sentBytes(b)
			res := Copy(context.Background(), b, src, CopyOptions{})
			checkResumed(t, b, res, sentBytes(b)-before)
			if string(mustRead(t, filepath.Join(dir, filepath.Base(src)))) != string(mustRead(t, src)) {
				t.Fatal("the resumed copy differs from the source")
			}
			t.Logf("%s: resumed at %d of %d", kind, res.Resumed, res.Size)
		})
	}
}

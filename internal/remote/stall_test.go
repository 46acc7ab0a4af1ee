//go:build !windows

package remote

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/testenv"
)

// sessionProcesses returns the sshd processes (children of the sshd the
// test script started) serving the connection whose client end is local:
// the ones holding its socket, and their children.
func sessionProcesses(t *testing.T, sshdPID int, local net.Addr) []int {
	t.Helper()
	la := local.(*net.TCPAddr)
	inode := ""
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skipf("no /proc/net/tcp: %v", err)
	}
	want := fmt.Sprintf("0100007F:%04X", la.Port)
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && f[2] == want {
			inode = f[9]
		}
	}
	if inode == "" {
		t.Fatalf("no server socket for client port %d", la.Port)
	}
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(st)
		f := strings.Fields(s[strings.LastIndex(s, ")")+1:])
		if len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	descends := func(pid int) bool {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == sshdPID {
				return true
			}
		}
		return false
	}
	var out []int
	for pid := range parent {
		if !descends(pid) {
			continue
		}
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		for _, fd := range fds {
			if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); l == "socket:["+inode+"]" {
				out = append(out, pid)
				break
			}
		}
	}
	held := map[int]bool{}
	for _, p := range out {
		held[p] = true
	}
	for pid := range parent {
		if !held[pid] && held[parent[pid]] {
			out = append(out, pid)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no sshd process serves port %d", la.Port)
	}
	return out
}

// stop sends SIGSTOP to the session processes and SIGCONT at the end of the
// test (only processes of the sshd this test run started).
func stop(t *testing.T, pids []int) {
	t.Helper()
	for _, p := range pids {
		if err := syscall.Kill(p, syscall.SIGSTOP); err != nil {
			t.Fatalf("SIGSTOP %d: %v", p, err)
		}
	}
	t.Cleanup(func() {
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGCONT)
		}
	})
}

// waitCopy fails the test when a copy is still blocked long after its stall
// timeout: a hang, which is the fault, not a measure of speed.
func waitCopy(t *testing.T, done <-chan CopyResult) CopyResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(2 * time.Minute):
		t.Fatal("the copy is still blocked 2 minutes after its server stalled: no stall timeout")
	}
	return CopyResult{}
}

// A stalled SFTP server (the sshd session process stopped with SIGSTOP: the
// connection stays open, nothing moves) fails the copy in French with
// CauseStalled instead of hanging the run; nothing is left under the final
// name, and the next connection works while the stalled one is still
// stopped.
func TestStallSFTP(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_PID")
	sshdPID, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PID"])
	o, _ := sftpOptions(t)
	o.Timeout = 2 * time.Second
	ctx := context.Background()
	if _, err := Trust(ctx, o, ""); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "001-SOC_20260301_2130.pbf")
	big := make([]byte, 24<<20) // more than the loopback socket buffers hold
	rand.Read(big)
	if err := os.WriteFile(src, big, 0o644); err != nil {
		t.Fatal(err)
	}

	// A listing on a stalled server.
	s, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	g := Guard(s, o.Timeout)
	stop(t, sessionProcesses(t, sshdPID, s.ssh.Conn.LocalAddr()))
	listed := make(chan error, 1)
	go func() { _, err := g.List(); listed <- err }()
	select {
	case err = <-listed:
	case <-time.After(2 * time.Minute):
		t.Fatal("the listing is still blocked 2 minutes after its server stalled")
	}
	if CauseOf(err) != CauseStalled || !strings.Contains(err.Error(), "ne répond plus") {
		t.Fatalf("listing a stalled server: cause %q, %v", CauseOf(err), err)
	}

	// An upload on a stalled server.
	s2, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatalf("a new connection while the first is stalled: %v", err)
	}
	g2 := Guard(s2, o.Timeout)
	done := make(chan CopyResult, 1)
	stopped := false
	go func() {
		done <- Copy(ctx, g2, src, CopyOptions{Progress: func(e dossier.Event) {
			if !stopped && e.Phase == PhaseUpload && e.Done > 4<<20 {
				stopped = true
				stop(t, sessionProcesses(t, sshdPID, s2.ssh.Conn.LocalAddr()))
			}
		}})
	}()
	res := waitCopy(t, done)
	if res.Status != Failed || res.Cause != CauseStalled || !strings.Contains(res.Detail, "ne répond plus") || res.Attempts != 1 {
		t.Fatalf("copy to a stalled server: %+v", res)
	}

	// The next run proceeds, on a new connection.
	s3, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatalf("a new connection after the stall: %v", err)
	}
	defer s3.Close()
	files, err := s3.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == filepath.Base(src) {
			t.Fatalf("%s carries its final name after a stalled upload", f.Name)
		}
	}
	// It resumes what the stalled session had written.
	if r := Copy(ctx, Guard(s3, o.Timeout), src, CopyOptions{}); r.Status != Validated || r.Resumed == 0 || r.Sent >= r.Size {
		t.Fatalf("the copy after the stall: %+v", r)
	}
}

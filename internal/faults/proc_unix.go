//go:build unix

package faults

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// ProgressFDEnv is the command line's test hook (internal/cli/testhook.go):
// set to a file descriptor, the process writes one line per progress event
// there and waits for one byte back before going on.
const ProgressFDEnv = "COFFRE_TEST_PROGRESS_FD"

// Proc is a Coffre process whose progress events the test steps through:
// it stands still inside its N-th event until the test acknowledges it (or
// kills it there). Nothing is timed.
type Proc struct {
	cmd    *exec.Cmd
	sock   *os.File
	events *bufio.Reader
	Stdout bytes.Buffer
	Stderr bytes.Buffer
	// Events are the lines received so far: "phase\tdossier\tdone\ttotal".
	Events []string
	exit   int
	done   bool
}

// Start runs bin with args; env is added to the test's environment.
func Start(tb testing.TB, bin string, env []string, args ...string) *Proc {
	tb.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	parent, child := os.NewFile(uintptr(fds[0]), "events"), os.NewFile(uintptr(fds[1]), "events-child")
	p := &Proc{sock: parent, events: bufio.NewReader(parent)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(append(os.Environ(), env...), ProgressFDEnv+"=3")
	p.cmd.ExtraFiles = []*os.File{child}
	p.cmd.Stdout, p.cmd.Stderr = &p.Stdout, &p.Stderr
	if err := p.cmd.Start(); err != nil {
		parent.Close()
		child.Close()
		tb.Fatal(err)
	}
	child.Close()
	tb.Cleanup(func() {
		if !p.done {
			p.Kill()
		}
	})
	return p
}

// Next waits for the next progress event, which the process is now stopped
// in; false when the process ended first.
func (p *Proc) Next() (string, bool) {
	line, err := p.events.ReadString('\n')
	if err != nil {
		return "", false
	}
	line = strings.TrimSuffix(line, "\n")
	p.Events = append(p.Events, line)
	return line, true
}

// Ack lets the process go on from the event it is stopped in.
func (p *Proc) Ack() { p.sock.Write([]byte{1}) }

// Kill sends SIGKILL (kill -9) and reaps the process.
func (p *Proc) Kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait()
}

// Wait lets the process run to its end, acknowledging every event, and
// returns its exit code.
func (p *Proc) Wait() int {
	for {
		if _, ok := p.Next(); !ok {
			break
		}
		p.Ack()
	}
	p.wait()
	return p.exit
}

// KillAt runs the process up to its n-th event (1-based) and kills it
// there. It reports false when the process ended before, with its exit
// code.
func (p *Proc) KillAt(n int) (killed bool, exit int) {
	for i := 1; ; i++ {
		if _, ok := p.Next(); !ok {
			p.wait()
			return false, p.exit
		}
		if i == n {
			p.Kill()
			return true, -1
		}
		p.Ack()
	}
}

func (p *Proc) wait() {
	if p.done {
		return
	}
	p.done = true
	err := p.cmd.Wait()
	p.sock.Close()
	var ee *exec.ExitError
	switch {
	case err == nil:
		p.exit = 0
	case errors.As(err, &ee):
		p.exit = ee.ExitCode()
	default:
		p.exit = -1
	}
}

// Signal sends sig to the process (SIGABRT, SIGQUIT: Go's crash dump).
func (p *Proc) Signal(sig os.Signal) { p.cmd.Process.Signal(sig) }

//go:build unix

package faulttest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"coffre/internal/pack"
)

// bin is the real coffre binary, built once per test run, so that kill -9
// hits a real process with its real SQLite and file handles.
var bin string

// workDir holds the binary and the fixture template for the whole run.
var workDir string

func TestMain(m *testing.M) {
	pack.UseCheapScryptForTests()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	workDir, err = os.MkdirTemp("", "coffre-fiabilite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(workDir)
	// COFFRE_FAULT_BIN runs the matrix on a binary already built (while
	// another part of the tree does not compile, say).
	if bin = os.Getenv("COFFRE_FAULT_BIN"); bin != "" {
		return m.Run()
	}
	bin = filepath.Join(workDir, "coffre")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "coffre")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "faulttest: go build coffre: %v\n", err)
		return 1
	}
	return m.Run()
}

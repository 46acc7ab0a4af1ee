package secret

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// Reading a secret makes the process non-dumpable, with no core file.
func TestProtect(t *testing.T) {
	p := filepath.Join(t.TempDir(), "phrase")
	os.WriteFile(p, []byte(typed), 0o600)
	if _, err := ReadFile(p); err != nil {
		t.Fatal(err)
	}
	if d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); err != nil || d != 0 {
		t.Errorf("dumpable = %d, %v after reading a secret", d, err)
	}
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &rl); err != nil || rl.Cur != 0 || rl.Max != 0 {
		t.Errorf("RLIMIT_CORE = %+v, %v", rl, err)
	}
}

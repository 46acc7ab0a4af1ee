package i18n

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// mountTmpfs mounts a tmpfs with the given options on a temp folder (root
// only: the CI is), and unmounts it at the end.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestReadOnlyAndFullInFrench: a medium mounted read-only and a full one,
// for real.
func TestReadOnlyAndFullInFrench(t *testing.T) {
	SetLanguage("fr")
	ro := mountTmpfs(t, "ro,size=64k")
	_, err := os.Create(filepath.Join(ro, "001-SOC_20261206_2130.pbf"))
	checkSentence(t, "read-only medium", err, "Cet emplacement est en lecture seule")

	full := mountTmpfs(t, "size=64k")
	f, err := os.Create(filepath.Join(full, "gros"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 32<<10)
	for i := 0; i < 10 && err == nil; i++ {
		_, err = f.Write(buf)
	}
	checkSentence(t, "full medium", err, "Espace disque insuffisant")
}

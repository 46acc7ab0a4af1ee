package dossier

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"coffre/internal/i18n"
)

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

// TestDestinationProbed: a read-only medium is refused when chosen, in
// French, and not at « Lancer » with « read-only file system » (it was
// accepted: the rule only asked that the folder exist); a folder with too
// little room for what is to be written says how much is missing; the
// probe leaves nothing behind.
func TestDestinationProbed(t *testing.T) {
	i18n.SetLanguage("fr")
	ro := mountTmpfs(t, "ro,size=64k")
	err := CheckDestination(ro)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != FieldDestination {
		t.Fatalf("read-only destination: %v", err)
	}
	if got := i18n.Describe(err); !strings.Contains(got, "Impossible d'écrire dans «\u00a0"+ro+"\u00a0»\u00a0: Cet emplacement est en lecture seule") {
		t.Errorf("read-only destination: %q", got)
	}

	small := mountTmpfs(t, "size=64k")
	if err := CheckDestination(small); err != nil {
		t.Fatalf("writable destination refused: %v", err)
	}
	if entries, _ := os.ReadDir(small); len(entries) != 0 {
		t.Errorf("the probe left %v", entries)
	}
	if err := CheckRoom(small, 32<<10); err != nil {
		t.Errorf("32 Ko in 64 Ko: %v", err)
	}
	err = CheckRoom(small, 10<<20)
	if !errors.Is(err, ErrNoRoom) || !strings.Contains(i18n.Describe(err), "il faut jusqu'à 10,5") {
		t.Errorf("10 Mo in 64 Ko: %v", err)
	}
}

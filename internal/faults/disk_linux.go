package faults

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// SmallDisk mounts a tmpfs of size bytes on a new temp folder and returns
// it, unmounted at the end of the test: a real file system that fills up,
// for the paths the engine writes without an io.Writer to wrap (SQLite,
// renames, fsync). Mounting needs root (CI runs as root); elsewhere the
// test is skipped and says why.
func SmallDisk(tb testing.TB, size int64) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("disque plein simulé : il faut être root pour monter un tmpfs (la CI l'est)")
	}
	dir := tb.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		tb.Skipf("disque plein simulé : montage tmpfs impossible ici (%v)", err)
	}
	tb.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			tb.Errorf("démontage de %s : %v", dir, err)
		}
	})
	return dir
}

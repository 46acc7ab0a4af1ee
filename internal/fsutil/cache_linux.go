package fsutil

import (
	"os"

	"golang.org/x/sys/unix"
)

// dropCache asks Linux to forget the file's cached pages (after a sync), so
// that verifying a freshly written backup reads what is on the disk.
func dropCache(f *os.File) { unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED) }

//go:build unix

package fsutil

import "golang.org/x/sys/unix"

// FreeSpace is the number of bytes an unprivileged write can still put in
// the file system holding dir.
func FreeSpace(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

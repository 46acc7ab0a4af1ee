package fsutil

import "golang.org/x/sys/windows"

// FreeSpace is the number of bytes the current user can still write on the
// volume holding dir (quotas included).
func FreeSpace(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, err
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, err
	}
	return int64(avail), nil
}

package remote

import (
	"errors"
	"syscall"
)

// Windows' own codes: WSAECONNREFUSED, ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL
// (a share or quota full); Go does not map them to the POSIX names.
const (
	wsaeConnRefused     syscall.Errno = 10061
	errorDiskFull       syscall.Errno = 112
	errorHandleDiskFull syscall.Errno = 39
)

func isRefused(err error) bool {
	return errors.Is(err, wsaeConnRefused) || errors.Is(err, syscall.ECONNREFUSED)
}

func isNoSpace(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull) || errors.Is(err, syscall.ENOSPC)
}

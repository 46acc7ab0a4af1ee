package i18n

import (
	"errors"
	"syscall"
)

// Windows' own codes, which Go does not map to the POSIX names:
// ERROR_WRITE_PROTECT, WSAECONNREFUSED, ERROR_SHARING_VIOLATION,
// ERROR_LOCK_VIOLATION, ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL.
const (
	errorWriteProtect     syscall.Errno = 19
	wsaeConnRefused       syscall.Errno = 10061
	errorSharingViolation syscall.Errno = 32
	errorLockViolation    syscall.Errno = 33
	errorDiskFull         syscall.Errno = 112
	errorHandleDiskFull   syscall.Errno = 39
	errorNotEnoughQuota   syscall.Errno = 1816
)

func isReadOnly(err error) bool {
	return errors.Is(err, errorWriteProtect) || errors.Is(err, syscall.EROFS)
}

// IsRefused: the server actively refused the connexion (nothing listens
// on that port).
func IsRefused(err error) bool {
	return errors.Is(err, wsaeConnRefused) || errors.Is(err, syscall.ECONNREFUSED)
}

func isInUse(err error) bool {
	return errors.Is(err, errorSharingViolation) || errors.Is(err, errorLockViolation)
}

// IsNoSpace: the disk, share or quota is full.
func IsNoSpace(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull) ||
		errors.Is(err, errorNotEnoughQuota) || errors.Is(err, syscall.ENOSPC)
}

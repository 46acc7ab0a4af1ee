//go:build unix

package fsutil

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func lockFile(f *os.File, wait bool) (func(), error) {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err == nil {
			return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN) }, nil
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
}

func isSyncUnsupported(err error) bool { return errors.Is(err, unix.EINVAL) }

// lockRange locks one byte at off with an open-file-description lock where
// the system has them (Linux): unlike classic POSIX locks they conflict
// within one process too, and closing another descriptor of the file does
// not drop them.
func lockRange(f *os.File, off int64) (func(), error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	for {
		err := unix.FcntlFlock(f.Fd(), ofdSetLock, &lk)
		if err == nil {
			return func() {
				un := unix.Flock_t{Type: unix.F_UNLCK, Whence: 0, Start: off, Len: 1}
				unix.FcntlFlock(f.Fd(), ofdSetLock, &un)
			}, nil
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
			return nil, ErrLocked
		}
		return nil, err
	}
}

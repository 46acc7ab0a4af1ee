//go:build unix && !linux

package fsutil

import "golang.org/x/sys/unix"

// Without OFD locks, classic POSIX locks: they do not conflict within one
// process, so two operations of one Coffre process rely on its own order.
const ofdSetLock = unix.F_SETLK

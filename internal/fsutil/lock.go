package fsutil

import (
	"errors"
	"os"
)

// ErrLocked is returned by Lock when another process holds the lock.
var ErrLocked = errors.New("fsutil: locked by another process")

// Lock takes an exclusive advisory lock on byte slot of the lock file path
// (created if missing) without waiting: ErrLocked if another holder has it,
// be it another process or another Lock in this one. One lock file serves a
// whole connexion, a slot per dossier, so the folder holds a single hidden
// file however many dossiers are worked on. The file is never removed: that
// would race with a process waiting on it.
func Lock(path string, slot int64) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	release, err := lockRange(f, slot)
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { release(); f.Close() }, nil
}

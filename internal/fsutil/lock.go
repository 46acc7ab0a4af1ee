package fsutil

import (
	"errors"
	"os"
	"path/filepath"
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
	setHidden(path, true)
	release, err := lockRange(f, slot)
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { release(); f.Close() }, nil
}

// MakeLockedDir creates a new private folder base/prefix…, holding the
// lock file lockName, locked until release, which removes the folder. A
// sweep by another process (SweepLockedDirs) leaves it alone from the
// start: should one have taken the lock in the instant between the file's
// creation and its locking, and removed the folder, another is made.
func MakeLockedDir(base, prefix, lockName string) (dir string, release func(), err error) {
	for try := 0; ; try++ {
		dir, err := os.MkdirTemp(base, prefix)
		if err != nil {
			return "", nil, err
		}
		setHidden(dir, true)
		path := filepath.Join(dir, lockName)
		unlock, err := Lock(path, 0)
		if err == nil {
			if still, serr := os.Lstat(path); serr == nil && still.Mode().IsRegular() {
				return dir, func() { removeLockedDir(dir, unlock) }, nil
			}
			unlock()
			err = ErrLocked
		}
		os.RemoveAll(dir)
		if try == 3 {
			return "", nil, err
		}
	}
}

// SweepLockedDirs removes the private folders base/prefix… (MakeLockedDir)
// whose owner is gone: their lock can be taken. A folder whose lock file is
// not there yet is one being set up, not an orphan.
func SweepLockedDirs(base, prefix, lockName string) {
	matches, _ := filepath.Glob(filepath.Join(base, prefix+"*"))
	for _, dir := range matches {
		f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR, 0)
		if err != nil {
			continue
		}
		release, err := lockRange(f, 0)
		if err != nil {
			f.Close()
			continue
		}
		removeLockedDir(dir, func() { release(); f.Close() })
	}
}

// removeLockedDir removes a private folder holding its own lock file, whose
// lock unlock releases: what it holds first, lock still held, then the lock
// file and the folder once unlocked — Windows cannot remove a file still
// open, and the folder would stay behind.
func removeLockedDir(dir string, unlock func()) {
	os.RemoveAll(dir)
	unlock()
	os.RemoveAll(dir)
}

package fsutil

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/i18n"
)

// tempMarker is in the name of every temp file Coffre writes, so that a
// sweep after a crash recognises them and nothing else.
const tempMarker = ".coffre-tmp-"

// TempFile is a file being written next to its final name. It holds an
// exclusive lock while open, which tells a sweep that its writer is alive.
type TempFile struct {
	*os.File
	final  string
	unlock func()
	done   bool
	unique *uniqueName // set by CreateTempUnique
}

// CreateTemp opens a new hidden temp file in the folder of final, to become
// final on Commit.
func CreateTemp(final string) (*TempFile, error) {
	dir, base := filepath.Split(final)
	if dir == "" {
		dir = "."
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	name := filepath.Join(dir, "."+base+tempMarker+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	setHidden(name, true)
	unlock, err := lockFile(f, false)
	if err != nil {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	return &TempFile{File: f, final: final, unlock: unlock}, nil
}

// Final is the name the file will have once committed.
func (t *TempFile) Final() string { return t.final }

// Sync flushes the file to stable storage and drops it from the page cache
// where the OS allows, so a re-read after it really comes from the disk.
func (t *TempFile) Sync() error {
	if err := t.File.Sync(); err != nil {
		return err
	}
	dropCache(t.File)
	return nil
}

// Commit syncs, closes and renames the file to its final name, then syncs
// the folder. With replace false it refuses (fs.ErrExist) to replace a file
// already there.
func (t *TempFile) Commit(replace bool) error {
	if t.done {
		return errors.New("fsutil: temp file already closed")
	}
	if err := t.File.Sync(); err != nil {
		t.Abort()
		return err
	}
	name := t.Name()
	t.done = true
	t.unlock()
	if err := t.File.Close(); err != nil {
		os.Remove(name)
		return err
	}
	setHidden(name, false) // a rename keeps the attribute
	var err error
	if replace {
		err = renameRetry(name, t.final)
	} else {
		err = t.claim(name)
	}
	if err != nil {
		os.Remove(name)
		return err
	}
	return SyncDir(filepath.Dir(t.final))
}

// Abort closes and removes the temp file. It is safe after Commit (no-op).
func (t *TempFile) Abort() {
	if t.done {
		return
	}
	t.done = true
	name := t.Name()
	t.unlock()
	t.File.Close()
	os.Remove(name)
}

// renameRetry renames from over to, trying again for about a second and
// a half while Windows says another program holds to open: the accounting
// program or an antivirus often lets go quickly. IsInUse tells the caller
// it did not.
func renameRetry(from, to string) error {
	wait := 100 * time.Millisecond
	for try := 0; ; try++ {
		err := os.Rename(from, to)
		if err == nil || !IsInUse(err) || try == 4 {
			return err
		}
		time.Sleep(wait)
		wait *= 2
	}
}

// renameNoReplace moves from to to unless to exists. A hard link fails
// atomically when to exists; where links are not supported (some network
// shares) it falls back to a check then a rename.
func renameNoReplace(from, to string) error {
	if err := os.Link(from, to); err == nil {
		return os.Remove(from)
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	return os.Rename(from, to)
}

// SyncDir makes a rename or removal in dir durable. Windows cannot open a
// folder for syncing; its renames are already journaled by NTFS.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isSyncUnsupported(err) {
		return err
	}
	return nil
}

// IsTemp reports whether name is one of Coffre's temp files.
func IsTemp(name string) bool {
	return strings.HasPrefix(filepath.Base(name), ".") && strings.Contains(filepath.Base(name), tempMarker)
}

// SweepTemp removes the temp files in dir whose writer is gone (their lock
// can be taken) and returns the names removed. Files being written by a live
// process are left alone.
func SweepTemp(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		unlock, err := lockFile(f, false)
		if err != nil {
			f.Close()
			continue
		}
		// Remove while holding the lock so a writer cannot start in between;
		// Windows cannot remove an open file, hence the retry after closing.
		rmErr := os.Remove(p)
		unlock()
		f.Close()
		if rmErr != nil {
			rmErr = os.Remove(p)
		}
		if rmErr == nil {
			removed = append(removed, p)
		}
	}
	return removed, nil
}

// maxUnique bounds the numbered names UniqueName tries: past base_999 the
// folder is not one where numbering helps.
const maxUnique = 999

// UniqueName returns dir/base+ext, or dir/base_2+ext, _3… if taken, so two
// backups in the same minute never overwrite one another. The name is
// checked first (CheckName); a folder where no name can be checked, or
// where every numbered name is taken, is an error, never an endless loop.
// The name returned is free now, not claimed: CreateTempUnique claims it.
func UniqueName(dir, base, ext string) (string, error) {
	if err := CheckName(base + ext); err != nil {
		return "", err
	}
	p, _, err := nextFree(dir, base, ext, 1)
	return p, err
}

func numbered(dir, base, ext string, i int) string {
	if i <= 1 {
		return filepath.Join(dir, base+ext)
	}
	return filepath.Join(dir, fmt.Sprintf("%s_%d%s", base, i, ext))
}

// nextFree returns the first free numbered name from i on, and its number.
func nextFree(dir, base, ext string, i int) (string, int, error) {
	for ; i <= maxUnique; i++ {
		p := numbered(dir, base, ext, i)
		_, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, i, nil
		}
		if err != nil {
			return "", 0, i18n.E(msgCannotCheck, map[string]any{"Path": p, "Dir": dir}, err)
		}
	}
	return "", 0, i18n.E(msgAllTaken, map[string]any{"Name": base + ext, "Dir": dir, "Max": maxUnique}, fs.ErrExist)
}

// CreateTempUnique opens a temp file to become dir/base+ext or the next
// free numbered name (UniqueName). Its Commit(false) claims the name
// atomically: when another writer took it meanwhile (two backups of the
// same name in the same minute into one folder), it takes the next free
// one, and Final says which.
func CreateTempUnique(dir, base, ext string) (*TempFile, error) {
	if err := CheckName(base + ext); err != nil {
		return nil, err
	}
	final, i, err := nextFree(dir, base, ext, 1)
	if err != nil {
		return nil, err
	}
	t, err := CreateTemp(final)
	if err != nil {
		return nil, err
	}
	t.unique = &uniqueName{dir: dir, base: base, ext: ext, i: i}
	return t, nil
}

type uniqueName struct {
	dir, base, ext string
	i              int // the number of final
}

// claim renames from to t.final, or to the next free numbered name while
// another writer holds the one tried.
func (t *TempFile) claim(from string) error {
	u := t.unique
	for {
		err := renameNoReplace(from, t.final)
		if !errors.Is(err, fs.ErrExist) || u == nil {
			return err
		}
		next, i, nerr := nextFree(u.dir, u.base, u.ext, u.i+1)
		if nerr != nil {
			return nerr
		}
		t.final, u.i = next, i
	}
}

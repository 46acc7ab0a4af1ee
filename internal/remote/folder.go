package remote

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"coffre/internal/fsutil"
)

// Folder is a network folder (a mounted share, a UNC path) used as the
// offsite destination.
type Folder struct{ Dir string }

// Describe is the folder's path.
func (f Folder) Describe() string { return f.Dir }

// Create opens a new file (never an existing one).
func (f Folder) Create(name string) (io.WriteCloser, error) {
	file, err := os.OpenFile(filepath.Join(f.Dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fail(OpCreate, f.Dir, name, err)
	}
	return syncCloser{file: file, dir: f.Dir, name: name}, nil
}

// syncCloser makes Close durable: the data is on the share's disk before
// it is read back. Its errors carry their Cause (a full share, a quota).
type syncCloser struct {
	file      *os.File
	dir, name string
}

func (s syncCloser) Write(p []byte) (int, error) {
	n, err := s.file.Write(p)
	return n, fail(OpWrite, s.dir, s.name, err)
}

func (s syncCloser) Close() error {
	if err := s.file.Sync(); err != nil {
		s.file.Close()
		return fail(OpWrite, s.dir, s.name, err)
	}
	return fail(OpWrite, s.dir, s.name, s.file.Close())
}

func (f Folder) Open(name string) (io.ReadCloser, error) {
	file, err := os.Open(filepath.Join(f.Dir, name))
	if err != nil {
		return nil, fail(OpRead, f.Dir, name, err)
	}
	return file, nil
}

// Rename moves from to to unless to exists.
func (f Folder) Rename(from, to string) error {
	src, dst := filepath.Join(f.Dir, from), filepath.Join(f.Dir, to)
	if err := os.Link(src, dst); err == nil {
		os.Remove(src)
		return fsutil.SyncDir(f.Dir)
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if err := os.Rename(src, dst); err != nil {
		return fail(OpRename, f.Dir, to, err)
	}
	return fail(OpRename, f.Dir, to, fsutil.SyncDir(f.Dir))
}

func (f Folder) Remove(name string) error {
	return fail(OpRemove, f.Dir, name, os.Remove(filepath.Join(f.Dir, name)))
}

func (f Folder) List() ([]File, error) {
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return nil, fail(OpList, f.Dir, "", err)
	}
	var out []File
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, File{Name: e.Name(), Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return out, nil
}

func (f Folder) Close() error { return nil }

// resumeFrom keeps what an interrupted upload wrote to tmp up to the start
// of its last chunk, when the chunk before reads as the source's.
func (f Folder) resumeFrom(tmp string, size int64, src io.ReaderAt) (int64, error) {
	p := filepath.Join(f.Dir, tmp)
	file, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fail(OpRead, f.Dir, tmp, err)
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return 0, fail(OpRead, f.Dir, tmp, err)
	}
	off := resumePoint(fi.Size(), size)
	if !sameTail(file, src, off) {
		return 0, f.discard(tmp)
	}
	return off, nil
}

// createFrom opens tmp at off, cut there (a new file when off is 0).
func (f Folder) createFrom(tmp string, size, off int64) (io.WriteCloser, error) {
	if off == 0 {
		return f.Create(tmp)
	}
	file, err := os.OpenFile(filepath.Join(f.Dir, tmp), os.O_WRONLY, 0)
	if err != nil {
		return nil, fail(OpCreate, f.Dir, tmp, err)
	}
	if err := file.Truncate(off); err != nil {
		file.Close()
		return nil, fail(OpWrite, f.Dir, tmp, err)
	}
	if _, err := file.Seek(off, io.SeekStart); err != nil {
		file.Close()
		return nil, fail(OpWrite, f.Dir, tmp, err)
	}
	return syncCloser{file: file, dir: f.Dir, name: tmp}, nil
}

func (f Folder) discard(tmp string) error {
	if err := os.Remove(filepath.Join(f.Dir, tmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(OpRemove, f.Dir, tmp, err)
	}
	return nil
}

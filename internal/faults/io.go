package faults

import (
	"io"
	"os"
	"syscall"
)

// The errors a disk gives. syscall defines both on every system Coffre
// builds for, so messages can be matched with errors.Is everywhere.
var (
	ErrNoSpace = syscall.ENOSPC
	ErrIO      = syscall.EIO
)

// FailWriter passes writes through to W until N bytes have gone, then
// writes what fits below N and returns Err (ErrNoSpace if nil) for that
// write and every later one: a disk that fills up at byte N.
type FailWriter struct {
	W       io.Writer
	N       int64
	Err     error
	written int64
}

func (w *FailWriter) Write(p []byte) (int, error) {
	room := w.N - w.written
	if room >= int64(len(p)) {
		n, err := w.W.Write(p)
		w.written += int64(n)
		return n, err
	}
	if room < 0 {
		room = 0
	}
	n, err := w.W.Write(p[:room])
	w.written += int64(n)
	if err != nil {
		return n, err
	}
	if w.Err == nil {
		return n, ErrNoSpace
	}
	return n, w.Err
}

// Written is how many bytes reached W.
func (w *FailWriter) Written() int64 { return w.written }

// ShortWriter is a writer that breaks io.Writer's contract at byte N: the
// write crossing N reports fewer bytes than given and no error, as a buggy
// driver or network share can. Callers must notice (io.ErrShortWrite).
type ShortWriter struct {
	W       io.Writer
	N       int64
	written int64
	short   bool
}

func (w *ShortWriter) Write(p []byte) (int, error) {
	if w.short || w.written+int64(len(p)) <= w.N {
		n, err := w.W.Write(p)
		w.written += int64(n)
		return n, err
	}
	w.short = true
	n, err := w.W.Write(p[:w.N-w.written])
	w.written += int64(n)
	return n, err
}

// FailReader passes reads through from R until N bytes have been read,
// then returns Err (ErrIO if nil): a disk with a bad sector at byte N.
type FailReader struct {
	R    io.Reader
	N    int64
	Err  error
	read int64
}

func (r *FailReader) Read(p []byte) (int, error) {
	room := r.N - r.read
	if room <= 0 {
		if r.Err == nil {
			return 0, ErrIO
		}
		return 0, r.Err
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.R.Read(p)
	r.read += int64(n)
	return n, err
}

// FlipReader passes R through with the bits of Mask (0x01 if zero) flipped
// in the byte at offset Off: silent corruption the checksums must catch.
type FlipReader struct {
	R    io.Reader
	Off  int64
	Mask byte
	pos  int64
}

func (r *FlipReader) Read(p []byte) (int, error) {
	n, err := r.R.Read(p)
	if i := r.Off - r.pos; i >= 0 && i < int64(n) {
		m := r.Mask
		if m == 0 {
			m = 1
		}
		p[i] ^= m
	}
	r.pos += int64(n)
	return n, err
}

// FlipFile flips the bits of mask in the byte at off of the file at path,
// in place: a bit rotted on the disk after the file was written.
func FlipFile(path string, off int64, mask byte) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	if mask == 0 {
		mask = 1
	}
	b[0] ^= mask
	_, err = f.WriteAt(b, off)
	return err
}

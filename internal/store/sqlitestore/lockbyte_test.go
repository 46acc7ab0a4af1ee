package sqlitestore

import (
	"bytes"
	"io"
	"testing"
)

// TestLockBytePage reads across the lock-byte page in odd-sized pieces: the
// page reads as zeros, everything else as the underlying bytes.
func TestLockBytePage(t *testing.T) {
	const pageSize = 4096
	r := io.NewSectionReader(lockBytePage{patternReader{}, pageSize}, pendingByte-2*pageSize, 5*pageSize)
	got, err := io.ReadAll(io.LimitReader(r, 5*pageSize))
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range got {
		off := int64(pendingByte-2*pageSize) + int64(i)
		want := byte(off % 251)
		if off >= pendingByte && off < pendingByte+pageSize {
			want = 0
		}
		if b != want {
			t.Fatalf("byte at %d: %d, want %d", off, b, want)
		}
	}
	if !bytes.Contains(got, make([]byte, pageSize)) {
		t.Fatal("no zeroed page")
	}
}

type patternReader struct{}

func (patternReader) ReadAt(p []byte, off int64) (int, error) {
	for i := range p {
		p[i] = byte((off + int64(i)) % 251)
	}
	return len(p), nil
}

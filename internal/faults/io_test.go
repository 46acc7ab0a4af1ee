package faults

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestWrappers: each fault happens exactly at byte N and nowhere else.
func TestWrappers(t *testing.T) {
	data := []byte(strings.Repeat("0123456789", 10))

	var out bytes.Buffer
	fw := &FailWriter{W: &out, N: 25}
	n, err := fw.Write(data[:20])
	if n != 20 || err != nil {
		t.Fatalf("before N: %d %v", n, err)
	}
	n, err = fw.Write(data[20:40])
	if n != 5 || !errors.Is(err, ErrNoSpace) || out.Len() != 25 || fw.Written() != 25 {
		t.Fatalf("across N: %d %v, %d written", n, err, out.Len())
	}

	out.Reset()
	sw := &ShortWriter{W: &out, N: 30}
	if n, err := sw.Write(data[:40]); n != 30 || err != nil {
		t.Fatalf("short write: %d %v", n, err)
	}

	r := &FailReader{R: bytes.NewReader(data), N: 42}
	got, err := io.ReadAll(r)
	if len(got) != 42 || !errors.Is(err, ErrIO) {
		t.Fatalf("read error: %d bytes, %v", len(got), err)
	}

	flipped, _ := io.ReadAll(&FlipReader{R: io.MultiReader(bytes.NewReader(data[:7]), bytes.NewReader(data[7:])), Off: 9, Mask: 0x80})
	for i := range data {
		if want := data[i] ^ map[bool]byte{true: 0x80}[i == 9]; flipped[i] != want {
			t.Fatalf("byte %d: %#x, want %#x", i, flipped[i], want)
		}
	}
}

//go:build unix

package faulttest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"

	"coffre/internal/faults"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

// The engine's io.Writer and io.Reader boundary is the container: a backup
// streams the dossier's image (an io.Reader from the snapshot) through
// pack.Write into the destination (an io.Writer). These rows inject the
// disk's faults there, in process, at byte N swept over the whole file.
// Where the engine reads a file by its path (pack.Read, SQLite's own
// reads), an error cannot be injected this way: the bit flips of
// TestFaultModifiedFile and the damaged files of internal/pack stand in.

func injectSource(tb testing.TB) ([]byte, int) {
	tb.Helper()
	src := make([]byte, 3<<20)
	rand.New(rand.NewSource(3)).Read(src[:1<<20]) // one incompressible MiB
	var buf bytes.Buffer
	if _, err := pack.Write(context.Background(), &buf, manifest(), parts(src), pack.WriteOptions{}); err != nil {
		tb.Fatal(err)
	}
	return src, buf.Len()
}

// manifest is the same every time, date included: the sweep needs Write to
// produce the same bytes as injectSource did (a manifest dated a second
// later can compress one byte shorter, and the last point fall past the end).
func manifest() *pack.Manifest {
	return &pack.Manifest{Kind: pack.KindPBF, CreatedAt: time.Date(2026, 11, 21, 20, 30, 0, 0, time.UTC)}
}

func parts(src []byte) []pack.PartSource {
	return []pack.PartSource{{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: int64(len(src)), R: bytes.NewReader(src)}}
}

func sweep(size int) []int {
	points := []int{0, 1, 512, 4096, size / 3, size / 2, size - 1}
	if testingLong() {
		for n := 0; n < size; n += max(1, size/97) {
			points = append(points, n)
		}
	}
	return points
}

// TestInjectDiskFull: the destination fills up at byte N — Write fails
// with ENOSPC, which the user reads as « Espace disque insuffisant ».
func TestInjectDiskFull(t *testing.T) {
	src, size := injectSource(t)
	for _, n := range sweep(size) {
		w := &faults.FailWriter{W: io.Discard, N: int64(n)}
		_, err := pack.Write(context.Background(), w, manifest(), parts(src), pack.WriteOptions{})
		if !errors.Is(err, faults.ErrNoSpace) || !strings.Contains(i18n.Describe(err), "Espace disque insuffisant") {
			t.Fatalf("disk full at byte %d of %d: %v (%q)", n, size, err, i18n.Describe(err))
		}
	}
}

// TestInjectShortWrite: a writer that silently writes less than asked (a
// buggy driver or share) never yields a « successful » container.
func TestInjectShortWrite(t *testing.T) {
	src, size := injectSource(t)
	for _, n := range sweep(size) {
		var out bytes.Buffer
		w := &faults.ShortWriter{W: &out, N: int64(n)}
		_, err := pack.Write(context.Background(), w, manifest(), parts(src), pack.WriteOptions{})
		if err == nil {
			t.Fatalf("short write at byte %d of %d reported as success", n, size)
		}
	}
}

// TestInjectReadError: the dossier's disk fails while it is read (EIO at
// byte N): the backup fails with a French message, never a container
// holding part of the dossier.
func TestInjectReadError(t *testing.T) {
	src, _ := injectSource(t)
	for _, n := range sweep(len(src)) {
		r := &faults.FailReader{R: bytes.NewReader(src), N: int64(n)}
		var out bytes.Buffer
		_, err := pack.Write(context.Background(), &out, &pack.Manifest{Kind: pack.KindPBF},
			[]pack.PartSource{{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: int64(len(src)), R: r}}, pack.WriteOptions{})
		if !errors.Is(err, faults.ErrIO) {
			t.Fatalf("read error at byte %d: %v", n, err)
		}
		if msg := i18n.Describe(err); !strings.Contains(msg, "Erreur de lecture ou d'écriture") {
			t.Fatalf("read error at byte %d reads %q", n, msg)
		}
	}
}

// TestInjectBitFlipInTransit: a bit flipped between the disk and the
// reader (the file itself intact on another read) is caught by the
// container's checksums whatever its place.
func TestInjectBitFlipInTransit(t *testing.T) {
	src, _ := injectSource(t)
	var buf bytes.Buffer
	if _, err := pack.Write(context.Background(), &buf, &pack.Manifest{Kind: pack.KindPBF}, parts(src), pack.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for _, off := range sweep(len(good)) {
		var flipped bytes.Buffer
		io.Copy(&flipped, &faults.FlipReader{R: bytes.NewReader(good), Off: int64(off), Mask: 0x04})
		path := t.TempDir() + "/f.pbf"
		writeFile(t, path, flipped.Bytes())
		if _, err := pack.Read(context.Background(), path, pack.ReadOptions{}, func(_ pack.Part, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}); err == nil {
			t.Fatalf("bit flipped at byte %d of %d not detected", off, len(good))
		}
	}
}

package pack

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"coffre/internal/dossier"
)

var sentinels = []error{dossier.ErrNotCoffre, dossier.ErrNewerFormat, dossier.ErrTruncated, dossier.ErrCorrupt, dossier.ErrWrongPassphrase}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// refused checks that both Inspect and Read refuse b with a sentinel.
func refused(t *testing.T, path string, b []byte, pass string, what string) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	opt := ReadOptions{Passphrase: pass, Workers: 2}
	if _, _, err := readAll(path, opt); !isSentinel(err) {
		t.Fatalf("%s: Read: %v", what, err)
	}
	if _, err := Inspect(context.Background(), path, opt); err != nil && !isSentinel(err) {
		t.Fatalf("%s: Inspect: %v", what, err)
	}
}

// smallFile is a valid plain container of a few KB with two frames.
func smallFile(t *testing.T, pass string) []byte {
	t.Helper()
	path, _ := writeFile(t, t.TempDir(), []testPart{
		{"dossier.db", "database", pseudoText(3000, 11)},
		{"vide", "annexe", nil},
	}, pass, 2)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEveryBitFlipRefused(t *testing.T) {
	orig := smallFile(t, "")
	path := filepath.Join(t.TempDir(), "f.pbf")
	for off := range orig {
		b := bytes.Clone(orig)
		b[off] ^= 1 << (off % 8)
		refused(t, path, b, "", "flip at "+strconv.Itoa(off))
	}
}

func TestEveryTruncationRefused(t *testing.T) {
	orig := smallFile(t, "")
	path := filepath.Join(t.TempDir(), "f.pbf")
	for n := range len(orig) {
		refused(t, path, orig[:n], "", "truncated to "+strconv.Itoa(n))
	}
}

func TestEncryptedDamageRefused(t *testing.T) {
	orig := smallFile(t, "phrase")
	path := filepath.Join(t.TempDir(), "f.pbf")
	// Each attempt costs a scrypt: every offset of the age header, then a
	// sample of the payload (age authenticates it as a whole anyway).
	next := func(off int) int {
		if off < 200 {
			return off + 1
		}
		return off + 7
	}
	for off := 0; off < len(orig); off = next(off) {
		b := bytes.Clone(orig)
		b[off] ^= 1 << (off % 8)
		refused(t, path, b, "phrase", "flip at "+strconv.Itoa(off))
	}
	for n := 0; n < len(orig); n = next(n) {
		refused(t, path, orig[:n], "phrase", "truncated to "+strconv.Itoa(n))
	}
}

// failingWriter fails with ENOSPC once n bytes have been written.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	k := w.n
	w.n = 0
	return k, syscall.ENOSPC
}

func TestDiskFull(t *testing.T) {
	data := pseudoText(3*ChunkSize, 12)
	var full bytes.Buffer
	res, err := Write(context.Background(), &full, testManifest(),
		[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}}, WriteOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, pass := range []string{"", "x"} {
		for _, n := range []int{0, 1, 7, 40, 100, 1000, 50000, int(res.Size) / 3, int(res.Size) / 2, int(res.Size) - 100, int(res.Size) - 1} {
			_, err := Write(context.Background(), &failingWriter{n: n}, testManifest(),
				[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}},
				WriteOptions{Workers: 2, Passphrase: pass})
			if !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("pass %q, fail at %d: %v", pass, n, err)
			}
		}
	}
	settled(t, before)
}

// settled fails if goroutines started by the test are still running.
func settled(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines leaked: %d > %d\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancel(t *testing.T) {
	data := pseudoText(6*ChunkSize, 13)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	_, err := Write(ctx, &buf, testManifest(),
		[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}},
		WriteOptions{Workers: 2, Progress: func(e dossier.Event) {
			if e.Done > 2*ChunkSize {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write: %v", err)
	}
	settled(t, before)

	path, _ := writeFile(t, t.TempDir(), []testPart{{"dossier.db", "database", data}}, "", 2)
	ctx, cancel = context.WithCancel(context.Background())
	_, err = Read(ctx, path, ReadOptions{Workers: 2}, func(p Part, r io.Reader) error {
		b := make([]byte, ChunkSize)
		r.Read(b)
		cancel()
		for {
			if _, err := r.Read(b); err != nil {
				return err
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read: %v", err)
	}
	settled(t, before)
}

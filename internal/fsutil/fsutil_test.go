package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCommitNeverReplacesUnlessAsked(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "001-SOC_20261121_2130.pbf")
	if err := os.WriteFile(final, []byte("ancienne"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp, err := CreateTemp(final)
	if err != nil {
		t.Fatal(err)
	}
	tmp.WriteString("nouvelle")
	if err := tmp.Commit(false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("commit over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(final); string(b) != "ancienne" {
		t.Fatalf("existing file changed: %q", b)
	}
	assertOnly(t, dir, "001-SOC_20261121_2130.pbf")

	tmp, _ = CreateTemp(final)
	tmp.WriteString("nouvelle")
	if err := tmp.Commit(true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(final); string(b) != "nouvelle" {
		t.Fatalf("replace: %q", b)
	}
	tmp.Abort() // after Commit: no-op
	assertOnly(t, dir, "001-SOC_20261121_2130.pbf")
}

func TestAbortRemoves(t *testing.T) {
	dir := t.TempDir()
	tmp, err := CreateTemp(filepath.Join(dir, "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsTemp(tmp.Name()) {
		t.Fatalf("%s not recognised as a temp file", tmp.Name())
	}
	tmp.Abort()
	tmp.Abort()
	assertOnly(t, dir)
}

// TestSweepSparesLiveWriters: a temp file whose writer holds its lock
// stays; one whose writer is gone (no lock) is removed; other files stay.
func TestSweepSparesLiveWriters(t *testing.T) {
	dir := t.TempDir()
	live, err := CreateTemp(filepath.Join(dir, "vivant.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	dead := filepath.Join(dir, ".mort.pbf"+tempMarker+"abcdef")
	os.WriteFile(dead, []byte("reste d'un crash"), 0o644)
	os.WriteFile(filepath.Join(dir, "001-SOC_20261121_2130.pbf"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".cache"), nil, 0o644)
	removed, err := SweepTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != dead {
		t.Fatalf("removed %v", removed)
	}
	assertOnly(t, dir, ".cache", "001-SOC_20261121_2130.pbf", filepath.Base(live.Name()))
}

func TestLockSlots(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".coffre-verrou")
	u1, err := Lock(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(path, 1); !errors.Is(err, ErrLocked) {
		t.Fatalf("same slot twice: %v", err)
	}
	u2, err := Lock(path, 2)
	if err != nil {
		t.Fatalf("another slot: %v", err)
	}
	u1()
	u3, err := Lock(path, 1)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	u2()
	u3()
}

func TestUniqueName(t *testing.T) {
	dir := t.TempDir()
	if got := UniqueName(dir, "a", ".pbf"); got != filepath.Join(dir, "a.pbf") {
		t.Fatal(got)
	}
	os.WriteFile(filepath.Join(dir, "a.pbf"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "a_2.pbf"), nil, 0o644)
	if got := UniqueName(dir, "a", ".pbf"); got != filepath.Join(dir, "a_3.pbf") {
		t.Fatal(got)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	if len(got) != len(names) {
		t.Fatalf("folder holds %v, want %v", got, names)
	}
	for _, g := range got {
		if !want[g] {
			t.Fatalf("folder holds %v, want %v", got, names)
		}
	}
}

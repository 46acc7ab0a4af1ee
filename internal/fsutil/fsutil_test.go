package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/internal/i18n"
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
	if got, err := UniqueName(dir, "a", ".pbf"); err != nil || got != filepath.Join(dir, "a.pbf") {
		t.Fatal(got, err)
	}
	os.WriteFile(filepath.Join(dir, "a.pbf"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "a_2.pbf"), nil, 0o644)
	if got, err := UniqueName(dir, "a", ".pbf"); err != nil || got != filepath.Join(dir, "a_3.pbf") {
		t.Fatal(got, err)
	}
}

// TestUniqueNameBounded: a name too long for any file system, a Windows
// device name, or a folder where nothing can be checked is refused in
// French at once; it used to loop forever at 100 % CPU while Lstat said
// anything but « not found » (issue #17, point 9).
func TestUniqueNameBounded(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ base, want string }{
		{strings.Repeat("é", 150), "trop long"},
		{strings.Repeat("a", 252), "trop long"},
		{"CON", "réservé par Windows"},
		{"nul", "réservé par Windows"},
		{"com1.sauvegarde", "réservé par Windows"},
		{"LPT9", "réservé par Windows"},
		{"a/b", "caractère interdit"},
		{"a\x01b", "caractère interdit"},
	} {
		done := make(chan error, 1)
		go func() { _, err := UniqueName(dir, c.base, ".pbf"); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(i18n.Describe(err), c.want) {
				t.Errorf("%.20q: %v, want « %s »", c.base, err, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%.20q: UniqueName still looping after 10 s", c.base)
		}
	}
	if _, err := UniqueName(dir, "CONSEIL", ".pbf"); err != nil {
		t.Errorf("CONSEIL is not a device: %v", err)
	}
	// Every numbered name taken: refused, not an endless search.
	for i := 1; i <= maxUnique; i++ {
		os.WriteFile(numbered(dir, "x", ".pbf", i), nil, 0o644)
	}
	if _, err := UniqueName(dir, "x", ".pbf"); !errors.Is(err, fs.ErrExist) || !strings.Contains(i18n.Describe(err), "tous déjà pris") {
		t.Errorf("all taken: %v", err)
	}
	// A folder without search permission (Unix, not root): Lstat says
	// EACCES for every name.
	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		locked := filepath.Join(dir, "ferme")
		os.Mkdir(locked, 0o600)
		if _, err := UniqueName(locked, "a", ".pbf"); err == nil || !strings.Contains(i18n.Describe(err), "Impossible de vérifier") {
			t.Errorf("folder without search permission: %v", err)
		}
	}
}

// TestTwoWritersSameName: two writers of one name into one folder at once
// both commit, under distinct names, neither replaced (issue #17, point
// 10: the second failed with « file already exists »).
func TestTwoWritersSameName(t *testing.T) {
	dir := t.TempDir()
	var ts []*TempFile
	for i := 0; i < 3; i++ {
		// All three chose a.pbf: nothing was committed yet.
		tf, err := CreateTempUnique(dir, "a", ".pbf")
		if err != nil {
			t.Fatal(err)
		}
		if tf.Final() != filepath.Join(dir, "a.pbf") {
			t.Fatalf("writer %d aims at %s", i, tf.Final())
		}
		fmt.Fprintf(tf, "écrivain %d", i)
		ts = append(ts, tf)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ts))
	for i, tf := range ts {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = tf.Commit(false) }()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, tf := range ts {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		b, err := os.ReadFile(tf.Final())
		if err != nil || string(b) != fmt.Sprintf("écrivain %d", i) {
			t.Fatalf("writer %d's %s holds %q %v", i, tf.Final(), b, err)
		}
		seen[tf.Final()] = true
	}
	if len(seen) != 3 {
		t.Fatalf("names %v", seen)
	}
	assertOnly(t, dir, "a.pbf", "a_2.pbf", "a_3.pbf")
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

// TestSameName: names compare by the file system's rules — the comparison
// whose case-sensitive form deleted a just-restored dossier on Windows
// (issue #10, fault 1).
func TestSameName(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "001Soc.db"), filepath.Join(dir, "001SOC.db")
	if got := SameName(a, b); got != CaseInsensitive {
		t.Errorf("SameName(%q, %q) = %v, want %v", a, b, got, CaseInsensitive)
	}
	if !SameName(a, filepath.Join(dir, ".", "001Soc.db")) {
		t.Error("one name written two ways")
	}
	if SameName(a, filepath.Join(dir, "002Soc.db")) {
		t.Error("two names taken for one")
	}
	// What the file system says agrees with CaseInsensitive.
	if err := os.WriteFile(a, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := os.Stat(b)
	if (err == nil) != CaseInsensitive {
		t.Errorf("Stat(%s) after writing %s: %v, CaseInsensitive %v", b, a, err, CaseInsensitive)
	}
}

// TestLockAndTempFilesHidden: on Windows the lock file and temp files have
// the hidden attribute (they showed in Explorer: issue #10, fault 7), and a
// committed file does not keep it. Run as a Windows binary under Wine by
// make test, which reads the attribute back.
func TestLockAndTempFilesHidden(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, ".coffre-verrou")
	unlock, err := Lock(lock, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	tmp, err := CreateTemp(filepath.Join(dir, "001-SOC.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	if !Hidden(lock) || !Hidden(tmp.Name()) {
		t.Fatalf("hidden: lock %v, temp %v", Hidden(lock), Hidden(tmp.Name()))
	}
	if err := tmp.Commit(false); err != nil {
		t.Fatal(err)
	}
	if Hidden(tmp.Final()) {
		t.Fatal("the committed backup is hidden")
	}
}

package access

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// lockRecords builds a .ldb file: 64-byte records, machine then user,
// NUL-padded, as Access writes them.
func lockRecords(holders ...Holder) []byte {
	var b []byte
	for _, h := range holders {
		rec := make([]byte, recordSize)
		copy(rec, h.Machine)
		copy(rec[32:], h.User)
		b = append(b, rec...)
	}
	return b
}

func writeMDB(t *testing.T, path string, size int) []byte {
	t.Helper()
	b := bytes.Repeat([]byte("\x00\x01\x00\x00Standard Jet DB\x00é"), size/20+1)[:size]
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseLock(t *testing.T) {
	b := lockRecords(Holder{"POSTE-2", "Admin"}, Holder{"COMPTA-PC", "marie"}, Holder{"POSTE-2", "Admin"})
	b = append(b, []byte("TRONQUE\x00")...)
	got := ParseLock(b)
	want := []Holder{{"POSTE-2", "Admin"}, {"COMPTA-PC", "marie"}, {"TRONQUE", ""}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%+v, want %+v", got, want)
		}
	}
}

func TestCopyRefusedWhileOpen(t *testing.T) {
	for _, ext := range []string{".mdb", ".accdb"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "001SOC"+ext)
			writeMDB(t, src, 5000)
			if err := os.WriteFile(LockFile(src), lockRecords(Holder{"POSTE-2", "Admin"}, Holder{"ACCUEIL", "sophie"}), 0o644); err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(t.TempDir(), "copie"+ext)
			_, err := Copy(context.Background(), src, dst, false, nil)
			if !errors.Is(err, dossier.ErrInUse) {
				t.Fatalf("copy of an open base: %v", err)
			}
			msg := i18n.Describe(err)
			if !strings.Contains(msg, "POSTE-2") || !strings.Contains(msg, "ACCUEIL (sophie)") {
				t.Fatalf("message %q does not name the machines", msg)
			}
			if _, err := os.Stat(dst); err == nil {
				t.Fatal("a copy was left behind")
			}
			// An empty lock file still means open, machine unknown.
			os.WriteFile(LockFile(src), nil, 0o644)
			if _, err := Copy(context.Background(), src, dst, false, nil); !errors.Is(err, dossier.ErrInUse) {
				t.Fatalf("empty lock file: %v", err)
			}
		})
	}
}

func TestBackupRestoreWhole(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "001SOC.accdb")
	want := writeMDB(t, src, 300000)
	bak := filepath.Join(t.TempDir(), "001SOC_sauvegarde.accdb")
	var events int
	res, err := Copy(context.Background(), src, bak, false, func(dossier.Event) { events++ })
	if err != nil {
		t.Fatal(err)
	}
	if res.Size != int64(len(want)) || events == 0 {
		t.Fatalf("result %+v, %d events", res, events)
	}
	// Restore over the dossier: refused without confirmation, then whole.
	os.WriteFile(src, []byte("abîmée"), 0o644)
	if _, err := Copy(context.Background(), bak, src, false, nil); !errors.Is(err, dossier.ErrExists) {
		t.Fatalf("restore over an existing base without confirmation: %v", err)
	}
	if _, err := Copy(context.Background(), bak, src, true, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(src)
	if !bytes.Equal(got, want) {
		t.Fatal("restored base differs")
	}
	// Restoring over a base someone has open is refused too.
	os.WriteFile(LockFile(src), lockRecords(Holder{"POSTE-3", "Admin"}), 0o644)
	if _, err := Copy(context.Background(), bak, src, true, nil); !errors.Is(err, dossier.ErrInUse) || !strings.Contains(i18n.Describe(err), "POSTE-3") {
		t.Fatalf("restore over an open base: %v", err)
	}
}

func TestCancel(t *testing.T) {
	src := filepath.Join(t.TempDir(), "a.mdb")
	writeMDB(t, src, 100000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dst := filepath.Join(t.TempDir(), "b.mdb")
	if _, err := Copy(ctx, src, dst, false, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled copy: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dst)); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func FuzzParseLock(f *testing.F) {
	f.Add(lockRecords(Holder{"POSTE-2", "Admin"}))
	f.Add([]byte("\xff\xfe\x00"))
	f.Add(bytes.Repeat([]byte{0x1b}, 130))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range ParseLock(b) {
			if h.Machine == "" || len(h.Machine) > 32*3 || strings.ContainsAny(h.Machine+h.User, "\x00\n\r\x1b") {
				t.Fatalf("holder %q", h)
			}
		}
	})
}

package access

import (
	"bytes"
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

// TestCheckFree: a database with a lock file is in use, and the message
// names the machines that hold it; an empty lock file still means open,
// machine unknown; no lock file, free.
func TestCheckFree(t *testing.T) {
	for _, ext := range []string{".mdb", ".accdb"} {
		t.Run(ext, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "001SOC"+ext)
			writeMDB(t, src, 5000)
			if err := CheckFree(src); err != nil {
				t.Fatalf("no lock file: %v", err)
			}
			if err := os.WriteFile(LockFile(src), lockRecords(Holder{"POSTE-2", "Admin"}, Holder{"ACCUEIL", "sophie"}), 0o644); err != nil {
				t.Fatal(err)
			}
			err := CheckFree(src)
			if !errors.Is(err, dossier.ErrInUse) {
				t.Fatalf("open base: %v", err)
			}
			msg := i18n.Describe(err)
			if !strings.Contains(msg, "POSTE-2") || !strings.Contains(msg, "ACCUEIL (sophie)") {
				t.Fatalf("message %q does not name the machines", msg)
			}
			os.WriteFile(LockFile(src), nil, 0o644)
			if err := CheckFree(src); !errors.Is(err, dossier.ErrInUse) {
				t.Fatalf("empty lock file: %v", err)
			}
		})
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

package access

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var (
	msgOpen     = &i18n.Message{ID: "AccessOuvert", Other: "La base Access « {{.File}} » est ouverte sur : {{.Machines}}. Fermez-la sur ces postes, puis recommencez."}
	msgOpenAnon = &i18n.Message{ID: "AccessOuvertInconnu", Other: "La base Access « {{.File}} » est ouverte (fichier de verrouillage {{.Lock}} présent). Fermez-la sur tous les postes, puis recommencez."}
)

// recordSize is one entry of a .ldb/.laccdb file: the machine name then the
// user (security) name, 32 bytes each, NUL-padded.
const recordSize = 64

// Exts are the Access database extensions and their lock files.
var lockExt = map[string]string{".mdb": ".ldb", ".accdb": ".laccdb"}

// IsAccess reports whether path names an Access database.
func IsAccess(path string) bool { _, ok := lockExt[strings.ToLower(filepath.Ext(path))]; return ok }

// LockFile is the lock file Access keeps next to db while it is open.
func LockFile(db string) string {
	ext := filepath.Ext(db)
	return strings.TrimSuffix(db, ext) + lockExt[strings.ToLower(ext)]
}

// Holder is one entry of a lock file.
type Holder struct {
	Machine, User string
}

// ParseLock reads the entries of a .ldb/.laccdb file (untrusted bytes).
// Entries are de-duplicated; a short last record is read as far as it goes.
func ParseLock(b []byte) []Holder {
	var out []Holder
	seen := map[Holder]bool{}
	for off := 0; off < len(b); off += recordSize {
		rec := b[off:min(off+recordSize, len(b))]
		h := Holder{Machine: field(rec, 0), User: field(rec, 32)}
		if h.Machine == "" || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	return out
}

// field is the NUL-terminated printable text at rec[at:at+32].
func field(rec []byte, at int) string {
	if at >= len(rec) {
		return ""
	}
	f := rec[at:min(at+32, len(rec))]
	if i := bytes.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	// Machine names are ANSI; keep what is printable, nothing to inject.
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, string(bytes.ToValidUTF8(f, nil)))
	return strings.TrimSpace(s)
}

// CheckFree returns nil when nobody has db open, or an ErrInUse error
// naming the machines found in its lock file.
func CheckFree(db string) error {
	lock := LockFile(db)
	b, err := os.ReadFile(lock)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	holders := ParseLock(b)
	if len(holders) == 0 {
		return i18n.E(msgOpenAnon, map[string]any{"File": filepath.Base(db), "Lock": filepath.Base(lock)}, dossier.ErrInUse)
	}
	var names []string
	for _, h := range holders {
		s := h.Machine
		if h.User != "" && !strings.EqualFold(h.User, "Admin") {
			s += " (" + h.User + ")"
		}
		names = append(names, s)
	}
	return i18n.E(msgOpen, map[string]any{"File": filepath.Base(db), "Machines": strings.Join(names, ", ")}, dossier.ErrInUse)
}

package pack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
)

// FormatVersion is the container format this package writes; readers refuse
// anything newer.
const FormatVersion = 1

// Kind says what a container holds.
type Kind string

// The kinds of container.
const (
	KindPBF Kind = "PBF" // full backup
	KindPTF Kind = "PTF" // partial transfer
	KindPAF Kind = "PAF" // archive of fiscal years
)

// Source describes where the packed data came from.
type Source struct {
	Kind        string `json:"type"` // "sqlite", "fichier", "odbc"
	Dialect     string `json:"dialecte,omitempty"`
	Description string `json:"description,omitempty"` // never a password
	// JournalMode is "wal" when the source SQLite database was in WAL mode
	// (the one journal mode a file keeps): a restore into a folder puts the
	// dossier back in it. "" for rollback-journal mode and for servers.
	JournalMode string `json:"journal,omitempty"`
}

// The database part: a portable SQLite image of the dossier. Readers find
// it by name, since an encrypted file's manifest comes after its parts.
const (
	RoleDatabase = "database"
	DatabasePart = "dossier.db"
)

// Part is one file of the container, as the manifest records it.
type Part struct {
	Name   string `json:"nom"`
	Role   string `json:"role"` // "database" for now
	Size   int64  `json:"taille"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a container; it is its last tar entry, manifest.json.
type Manifest struct {
	Format    int               `json:"format"`
	Kind      Kind              `json:"type"`
	Tool      string            `json:"outil"`
	CreatedAt time.Time         `json:"cree_le"`
	Source    Source            `json:"source"`
	Dossier   dossier.Identity  `json:"dossier"`
	Stats     dossier.Stats     `json:"contenu"`
	Sessions  []dossier.Session `json:"sessions_ouvertes,omitempty"`
	Encrypted bool              `json:"chiffre"`
	// Parts is filled by Write, in the order of the tar entries.
	Parts []Part `json:"parties"`
	// Extra holds what only PTF or PAF need, keyed by name.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Part returns the first part with the given role.
func (m *Manifest) Part(role string) (Part, bool) {
	for _, p := range m.Parts {
		if p.Role == role {
			return p, true
		}
	}
	return Part{}, false
}

// manifestName is the tar name of the manifest, always the last entry.
const manifestName = "manifest.json"

// maxManifest bounds the manifest's size so a hostile header cannot make a
// reader allocate without limit.
const maxManifest = 16 << 20

func encodeManifest(m *Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pack: encode manifest: %w", err)
	}
	b = append(b, '\n')
	if len(b) > maxManifest {
		return nil, fmt.Errorf("pack: manifest of %d bytes exceeds %d", len(b), maxManifest)
	}
	return b, nil
}

// parseManifest decodes and checks a manifest read from a container.
func parseManifest(b []byte) (*Manifest, error) {
	if len(b) > maxManifest {
		return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("manifest of %d bytes", len(b)))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, corrupt(msgManifestDamaged, nil, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("data after the manifest"))
	}
	if m.Format > FormatVersion {
		return nil, newerFormat(m.Format)
	}
	if m.Format < 1 || !validKind(string(m.Kind)) {
		return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("format %d, kind %q", m.Format, m.Kind))
	}
	seen := map[string]bool{}
	for _, p := range m.Parts {
		if !validPartName(p.Name) || p.Name == manifestName || seen[p.Name] {
			return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("part name %q", p.Name))
		}
		seen[p.Name] = true
		if p.Size < 0 || !validSHA256(p.SHA256) {
			return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("part %q: size %d, sha256 %q", p.Name, p.Size, p.SHA256))
		}
	}
	return &m, nil
}

// validKind accepts any short upper-case kind so that a kind added later
// without a format change still opens (callers check the kind they need).
func validKind(k string) bool {
	if k == "" || len(k) > 16 {
		return false
	}
	for _, c := range k {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validPartName accepts only a plain file name that extracts safely on Linux
// and Windows: no directory, no drive, no device, nothing Windows rewrites.
func validPartName(name string) bool {
	bad := name == "" || len(name) > 200 || name == "." || name == ".." || !utf8.ValidString(name) ||
		strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ")
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			bad = true
		}
	}
	return !bad && !fsutil.WindowsDevice(name)
}

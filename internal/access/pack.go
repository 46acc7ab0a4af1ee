package access

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"coffre/internal/pack"
)

// How a backup of an Access database is packed: one part holding the whole
// file (no portable SQLite image, no stats), role Role, named PartName.
const (
	Role       = "access"
	SourceKind = "access"
	ExtraKey   = "access"
)

// Info is the manifest's Extra[ExtraKey]: the database's file name, to put
// it back under the same name.
type Info struct {
	File string `json:"fichier"`
	Size int64  `json:"taille"`
}

// PartName is the part's name for the database file: dossier.mdb or
// dossier.accdb.
func PartName(file string) string { return "dossier" + strings.ToLower(filepath.Ext(file)) }

// InfoOf says whether m is the backup of an Access database, and which.
func InfoOf(m *pack.Manifest) (Info, bool) {
	var info Info
	if m == nil {
		return info, false
	}
	if _, ok := m.Part(Role); !ok {
		return info, false
	}
	if raw, ok := m.Extra[ExtraKey]; ok && json.Unmarshal(raw, &info) == nil && IsAccess(info.File) {
		info.File = filepath.Base(info.File)
		return info, true
	}
	p, _ := m.Part(Role)
	info.File, info.Size = "base"+filepath.Ext(p.Name), p.Size
	return info, IsAccess(info.File)
}

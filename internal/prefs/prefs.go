package prefs

import (
	"encoding/json"
	"os"
	"path/filepath"

	"coffre/internal/fsutil"
	"coffre/internal/paths"
)

// Prefs are the remembered choices. Empty fields mean "nothing remembered".
type Prefs struct {
	// Destination is the last folder backups were written to.
	Destination string `json:"derniere_destination,omitempty"`
	// Connexion is the last connexion used (a folder, or "odbc:" and a
	// connection string without its password).
	Connexion string `json:"derniere_connexion,omitempty"`
	// Sauvegardes is the last folder backups were restored or checked from.
	Sauvegardes string `json:"dernier_dossier_sauvegardes,omitempty"`
}

// FileName is the preferences file in the configuration folder.
const FileName = "preferences.json"

func file() string { return filepath.Join(paths.ConfigDir(), FileName) }

// Load returns the remembered choices; a missing or unreadable file gives
// empty ones (preferences are a convenience, never a reason to fail).
func Load() Prefs {
	var p Prefs
	b, err := os.ReadFile(file())
	if err == nil {
		_ = json.Unmarshal(b, &p)
	}
	return p
}

// Save remembers p, replacing the file atomically.
func Save(p Prefs) error {
	if err := os.MkdirAll(paths.ConfigDir(), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(file())
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return err
	}
	return tmp.Commit(true)
}

// Update loads the preferences, applies fn and saves them.
func Update(fn func(*Prefs)) error {
	p := Load()
	fn(&p)
	return Save(p)
}

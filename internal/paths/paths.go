// Package paths says where Coffre keeps its data, dossiers, backups and
// configuration on each system.
package paths

import (
	"os"
	"path/filepath"
	"runtime"
)

// DataDir is Coffre's data folder: $XDG_DATA_HOME/Coffre or
// ~/.local/share/Coffre on Linux, %APPDATA%\Coffre on Windows,
// ~/Library/Application Support/Coffre on macOS. COFFRE_DATA overrides it
// (tests, portable installs).
func DataDir() string {
	if d := os.Getenv("COFFRE_DATA"); d != "" {
		return d
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "Coffre")
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "Coffre")
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "Coffre")
	}
	return filepath.Join(home, ".local", "share", "Coffre")
}

// Dossiers is the default connexion: the folder of SQLite dossiers.
func Dossiers() string { return filepath.Join(DataDir(), "dossiers") }

// Backups is the default destination of backups.
func Backups() string { return filepath.Join(DataDir(), "sauvegardes") }

// Safety receives the backup taken before a dossier is replaced.
func Safety() string { return filepath.Join(Backups(), "securite") }

// ConfigDir is Coffre's configuration folder (os.UserConfigDir()/Coffre).
// COFFRE_CONFIG overrides it.
func ConfigDir() string {
	if d := os.Getenv("COFFRE_CONFIG"); d != "" {
		return d
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "Coffre")
	}
	return filepath.Join(DataDir(), "config")
}

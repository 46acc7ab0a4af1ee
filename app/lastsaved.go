package app

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/paths"
	"coffre/internal/prefs"
)

// knownBackupDirs are every folder Coffre writes backups to on this
// machine: the wizard's and the exit prompt's last destination, the folder
// last restored from, the automatic backup's, and Coffre's default one —
// where « Dernière sauvegarde » looks (it looked only in the current
// destination, and missed the exit prompt's and the nightly backups).
func knownBackupDirs(extra ...string) []string {
	p := prefs.Load()
	dirs := append([]string{}, extra...)
	dirs = append(dirs, p.Destination, p.Sauvegardes)
	if c, err := config.Load(config.DefaultPath()); err == nil {
		dirs = append(dirs, c.Auto.DestinationDir())
	}
	dirs = append(dirs, paths.Backups())
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// restoreFolder is the folder the restore step lists first: the known one
// holding the newest backup (the one last saved to, by the wizard, the
// exit prompt or the service), else fallback.
func restoreFolder(fallback string) string {
	best, newest := fallback, time.Time{}
	for _, dir := range knownBackupDirs() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), dossier.ExtPBF) {
				continue
			}
			if fi, err := e.Info(); err == nil && fi.ModTime().After(newest) {
				best, newest = dir, fi.ModTime()
			}
		}
	}
	return best
}

package app

import (
	"path/filepath"
	"testing"

	"coffre/internal/config"
	"coffre/internal/prefs"
)

// « Dernière sauvegarde » counts the nightly backups too (the wizard
// looked only in its own destination), and the restore step opens on the
// folder last saved to.
func TestLastBackupFromEveryKnownDestination(t *testing.T) {
	conn := env(t, "001SOC")
	nightly := t.TempDir()
	c := config.Default()
	c.Auto.Destination = nightly
	if err := config.Save(config.DefaultPath(), c); err != nil {
		t.Fatal(err)
	}
	file := backupOf(t, conn, "001", nightly)
	if err := prefs.Update(func(p *prefs.Prefs) { p.Destination = t.TempDir() }); err != nil {
		t.Fatal(err)
	}
	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	if d := w.info("001"); d.DerniereSauvegarde.IsZero() {
		t.Errorf("the nightly backup %s is not the last backup of 001", filepath.Base(file))
	}
	if w.opts.FilesFolder != nightly {
		t.Errorf("the restore step opens on %q, not on %q where the last backup is", w.opts.FilesFolder, nightly)
	}
}

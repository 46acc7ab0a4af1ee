package app

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"coffre/assets"
	"coffre/internal/dossier"
)

// AppID is Coffre's application id, as in FyneApp.toml.
const AppID = "fr.coffre.app"

// GUI opens Coffre's windows for the command line (cli.GUI).
type GUI struct{}

// Wizard opens the wizard on connexion ("" = the last one used, or the
// default folder) and returns when its window is closed.
func (GUI) Wizard(connexion string) error {
	return runWizard(newWizard(newApp(), connexion))
}

// OpenFile opens the wizard on what file calls for, with that file chosen:
// a backup (.pbf) its restore, a transfer (.ptf) its reception, an archive
// (.paf) its import — a file double-clicked in Explorer.
func (GUI) OpenFile(connexion, file string) error {
	w := newWizard(newApp(), connexion)
	w.chooseFile(file)
	return runWizard(w)
}

// fileOperations is the operation each kind of file opens.
var fileOperations = map[string]string{dossier.ExtPBF: "restauration", dossier.ExtPTF: "transfert-reception", dossier.ExtPAF: "desarchivage"}

func (w *wizard) chooseFile(file string) {
	id, ok := fileOperations[strings.ToLower(filepath.Ext(file))]
	if !ok {
		return
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	w.opts.Operation = id
	w.opts.FilesFolder = filepath.Dir(file)
	w.opts.Files = []string{file}
	w.show(w.cur)
}

func runWizard(w *wizard) error {
	if dir := screenshotDir(); dir != "" {
		go takeScreenshots(w, dir)
	}
	w.win.ShowAndRun()
	if w.cancelRun != nil {
		w.cancelRun()
	}
	if w.store != nil {
		w.store.Close()
	}
	return nil
}

// ExitPrompt opens the exit-time window and returns when it is closed: nil
// when nothing was asked of it or the backup succeeded, the backup's error
// otherwise.
func (GUI) ExitPrompt(connexion, employe string) error {
	a := newApp()
	p := newExitPrompt(a, connexion)
	p.start(employe)
	if p.closed {
		return nil // nothing to show
	}
	if dir := screenshotDir(); dir != "" {
		go takeExitScreenshot(p, dir)
	}
	p.win.ShowAndRun()
	p.shutdown()
	return p.err
}

func newApp() fyne.App {
	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(newTheme())
	a.SetIcon(fyne.NewStaticResource("coffre.png", assets.IconPNG))
	return a
}

//go:build screenshots

package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// takeContentScreenshots shoots this brief's screens: the first start's
// welcome, « Contenu » of the backup just made, as a form.
func takeContentScreenshots(w *wizard, dir string) {
	ui := func(f func()) { fyne.DoAndWait(f) }
	ui(func() {
		showWelcome = true
		w.restart()
		w.show(stepIdxConnexion)
		showWelcome = false
	})
	shot(w.win, dir, "bienvenue")
	ui(func() {
		w.restart()
		w.opts.Operation = "contenu"
		w.show(stepIdxDossiers)
		if len(w.files) > 0 {
			w.opts.Files = []string{w.files[0].Path}
		}
		w.show(stepIdxSummary)
		w.forward()
	})
	for {
		time.Sleep(200 * time.Millisecond)
		var done bool
		ui(func() { done = w.cur == stepIdxResult })
		if done {
			break
		}
	}
	shot(w.win, dir, "contenu-resultat")
}

// takeConfigScreenshots shoots the Configuration tabs of the automatic
// backup and of the offsite copy (object storage chosen).
func takeConfigScreenshots(w *wizard, dir string) {
	ui := func(f func()) { fyne.DoAndWait(f) }
	var ac *autoConfig
	var tabs *container.AppTabs
	ui(func() {
		ac = newAutoConfig(w.win, "")
		tabs = container.NewAppTabs(ac.tabs()...)
		w.win.SetContent(tabs)
		w.win.Resize(screenshotSize())
	})
	shot(w.win, dir, "configuration-automatique")
	ui(func() {
		tabs.SelectIndex(1)
		ac.cfg.Distant.Type = "s3"
		tabs.Items[1].Content = ac.page(ac.remoteForm())
		tabs.Refresh()
	})
	shot(w.win, dir, "configuration-distant-s3")
}

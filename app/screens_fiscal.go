//go:build screenshots

package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"coffre/internal/employes"
	"coffre/internal/restore"
)

// takeFiscalScreenshots walks the fiscal-year operations on the demo
// dossiers (screenshot mode): each one's Options, Résumé and Résultat, the
// code asked for the archive right, and the proposed dossiers of a cut.
func takeFiscalScreenshots(w *wizard, dir string) {
	ui := func(f func()) { fyne.DoAndWait(f); settle(w) }
	take := func(name string) { shot(w.win, dir, name) }
	// run launches the operation and waits for its result.
	run := func(name string) {
		ui(w.forward)
		for {
			time.Sleep(200 * time.Millisecond)
			var done bool
			ui(func() { done = w.cur == stepIdxResult })
			if done {
				break
			}
		}
		if name != "" {
			take(name)
		}
	}
	// at sets up an operation's choices and shows step i.
	at := func(id string, i int, set func(o *Options)) {
		ui(func() {
			w.restart()
			w.opts.Operation = id
			if set != nil {
				set(&w.opts)
			}
			w.show(i)
		})
	}
	dest := w.opts.DestDir
	filesIn := func(ext string) []string {
		m, _ := filepath.Glob(filepath.Join(dest, "*"+ext))
		return m
	}

	at("export", stepIdxOptions, func(o *Options) { o.Dossiers = []string{"001"} })
	take("export-4-options")
	ui(w.forward)
	take("export-5-resume")
	run("export-7-resultat")

	at("transfert-envoi", stepIdxOptions, func(o *Options) { o.Dossiers = []string{"001"} })
	take("transfert-envoi-4-options")
	ui(w.forward)
	take("transfert-envoi-5-resume")
	run("transfert-envoi-7-resultat")

	at("archivage", stepIdxOptions, func(o *Options) { o.Dossiers = []string{"001", "003"} })
	take("archivage-4-options")
	ui(w.forward)
	take("archivage-5-resume")
	ui(w.forward) // asks for a code with « Archiver / découper »
	take("archivage-droit-code")
	ui(func() {
		if top := w.win.Canvas().Overlays().Top(); top != nil {
			top.Hide()
		}
		w.employee = &employes.Employee{Name: employes.DefaultName, Rights: employes.Rights}
	})
	run("archivage-7-resultat")

	// The archive changed 001: the next transfer carries those changes, and
	// a copy of the base under 004 stands for the other site.
	at("transfert-envoi", stepIdxSummary, func(o *Options) { o.Dossiers = []string{"001"} })
	run("transfert-envoi-2-7-resultat")
	if bases := filesIn(".pbf"); len(bases) > 0 {
		for _, b := range bases {
			if strings.Contains(filepath.Base(b), "_T000000") {
				_, err := restore.Run(context.Background(), restore.Request{File: b, Store: w.store, Numero: "004", SafetyDir: dest})
				if err != nil {
					fmt.Fprintln(os.Stderr, "base du transfert :", err)
				}
			}
		}
	}
	ui(func() { _ = w.loadDossiers() })
	at("transfert-reception", stepIdxDossiers, func(o *Options) {
		o.FilesFolder = dest
		o.Files = filesIn(".ptf")
		o.Numero = "004"
	})
	take("transfert-reception-3-fichiers")
	ui(w.forward)
	ui(w.forward)
	take("transfert-reception-5-resume")
	run("transfert-reception-7-resultat")

	at("desarchivage", stepIdxDossiers, func(o *Options) {
		o.FilesFolder = dest
		for _, f := range filesIn(".paf") {
			if strings.HasPrefix(filepath.Base(f), "001-") {
				o.Files = []string{f}
			}
		}
		o.Numero = "001"
	})
	take("desarchivage-3-archives")
	ui(w.forward)
	ui(func() {
		w.opts.DeleteArchive = true
		w.show(stepIdxOptions)
	})
	take("desarchivage-4-options")
	ui(w.forward)
	take("desarchivage-5-resume")
	run("desarchivage-7-resultat")

	at("administration", stepIdxOptions, func(o *Options) {
		o.Dossiers = []string{"003"}
		o.Exercices = map[string][]string{"003": {"2023", "2024"}}
		o.FEC, o.Annexes = true, true
	})
	take("administration-4-options")
	ui(w.forward)
	take("administration-5-resume")
	run("administration-7-resultat")

	at("decoupe", stepIdxDossiers, func(o *Options) { o.Dossiers = []string{"001"} })
	take("decoupe-3-dossiers")
	ui(w.forward)
	ui(func() {
		w.opts.FirstKept, w.opts.Clean = "2020", true
		w.show(stepIdxOptions)
	})
	take("decoupe-4-options")
	ui(w.forward)
	take("decoupe-5-resume")
	run("decoupe-7-resultat")

	// The longest Options step on a small screen.
	ui(func() { w.win.Resize(fyne.NewSize(1024, 600)) })
	at("archivage", stepIdxOptions, func(o *Options) { o.Dossiers = []string{"001", "003"} })
	take("petit-ecran-1024x600-archivage-options")
	ui(func() { w.win.Resize(screenshotSize()) })
}

//go:build screenshots

package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"coffre/internal/dossier"
	"coffre/internal/employes"
)

// The screenshot mode (scripts/screenshots.sh) walks the real window through
// a backup and a restore and saves every step as a PNG. COFFRE_ECRANS is the
// folder, COFFRE_ECRANS_PREFIXE a name prefix, COFFRE_ECRANS_TAILLE
// "LARGEURxHAUTEUR", COFFRE_ECRANS_COURT=1 only the backup's seven steps
// (the other sizes and the dark theme).

func screenshotDir() string { return os.Getenv("COFFRE_ECRANS") }

// shot saves the window as dir/prefix+name.png. The GL canvas cannot be
// read back under Xvfb's software renderer, so the X screen is grabbed with
// ImageMagick, where xdotool says the window is (under a window manager,
// which places it); without xdotool, at the top left.
func shot(win fyne.Window, dir, name string) {
	time.Sleep(800 * time.Millisecond) // let the window draw
	var size fyne.Size
	var title string
	fyne.DoAndWait(func() { size, title = win.Canvas().Size(), win.Title() })
	scale := win.Canvas().Scale()
	path := filepath.Join(dir, os.Getenv("COFFRE_ECRANS_PREFIXE")+name+".png")
	x, y := windowOrigin(title)
	crop := fmt.Sprintf("%dx%d+%d+%d", int(size.Width*scale), int(size.Height*scale), x, y)
	if out, err := exec.Command("import", "-window", "root", "-crop", crop, "+repage", path).CombinedOutput(); err != nil {
		fmt.Fprintln(os.Stderr, "capture", name, err, string(out))
	}
}

// windowOrigin is where the X window titled title shows its content
// (xwininfo's absolute corner: xdotool's counts the frame's title bar).
func windowOrigin(title string) (x, y int) {
	// xdotool's pattern is matched byte-wise: the title up to its first
	// non-ASCII character (« Coffre — Fin de journée »).
	pattern := "^" + regexp.QuoteMeta(title) + "$"
	if i := strings.IndexFunc(title, func(r rune) bool { return r > 0x7e }); i >= 0 {
		pattern = "^" + regexp.QuoteMeta(title[:i])
	}
	ids, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
	if err != nil {
		return 0, 0
	}
	id := strings.Fields(string(ids))
	if len(id) == 0 {
		return 0, 0
	}
	out, err := exec.Command("xwininfo", "-id", id[len(id)-1]).Output()
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if v, ok := strings.CutPrefix(l, "Absolute upper-left X:"); ok {
			x, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(l, "Absolute upper-left Y:"); ok {
			y, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return x, y
}

func screenshotSize() fyne.Size {
	var w, h float32
	if s := os.Getenv("COFFRE_ECRANS_TAILLE"); s != "" {
		var wi, hi int
		if _, err := fmt.Sscanf(s, "%dx%d", &wi, &hi); err == nil {
			w, h = float32(wi), float32(hi)
		}
	}
	if w == 0 {
		w, h = 1280, 800
	}
	return fyne.NewSize(w, h)
}

// settle waits until no slow check of a step runs (they are off the UI
// goroutine: Suivant returns before the next step shows).
func settle(w *wizard) {
	for {
		var busy bool
		fyne.DoAndWait(func() { busy = w.checking != nil })
		if !busy {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// takeScreenshots drives the wizard from outside the UI goroutine, as a
// person would, then quits.
func takeScreenshots(w *wizard, dir string) {
	ui := func(f func()) { fyne.DoAndWait(f); settle(w) }
	short := os.Getenv("COFFRE_ECRANS_COURT") == "1"
	ui(func() { w.win.Resize(screenshotSize()) })
	// Pause the work once a third of a file is written, for the Exécution
	// shot.
	var (
		mu      sync.Mutex
		pause   = make(chan struct{})
		resume  chan struct{}
		running bool
	)
	w.onEvent = func(e dossier.Event) {
		mu.Lock()
		r := resume
		mu.Unlock()
		if r != nil && e.Total > 0 && e.Done*3 >= e.Total && (e.Phase == dossier.PhaseCompression || e.Phase == dossier.PhaseExtraction) {
			mu.Lock()
			resume = nil
			mu.Unlock()
			w.run.report(e) // the throttled display may have skipped it
			pause <- struct{}{}
			<-r
		}
	}
	runAndShoot := func(prefix string) {
		mu.Lock()
		resume = make(chan struct{})
		r := resume
		running = true
		mu.Unlock()
		ui(w.forward)
		<-pause
		shot(w.win, dir, prefix+"6-execution")
		close(r)
		for running {
			time.Sleep(200 * time.Millisecond)
			ui(func() { running = w.cur != stepIdxResult })
		}
		shot(w.win, dir, prefix+"7-resultat")
	}
	take := func(name string, always bool) {
		if always || !short {
			shot(w.win, dir, name)
		}
	}

	// The session of an employee who may back up and restore: archive
	// and cut still ask for a code (archivage-droit-code).
	w.employee = &employes.Employee{Name: "Julie", Rights: []employes.Right{employes.Sauvegarder, employes.Restaurer}}

	// Sauvegarde of two dossiers.
	take("sauvegarde-1-connexion", true)
	ui(w.forward)
	take("sauvegarde-2-operation", true)
	ui(w.forward)
	ui(func() {
		w.opts.Dossiers = []string{"001", "003"}
		w.show(stepIdxDossiers)
	})
	take("sauvegarde-3-dossiers", true)
	ui(w.forward)
	take("sauvegarde-4-options", true)
	ui(w.forward)
	take("sauvegarde-5-resume", true)
	runAndShoot("sauvegarde-")
	if short {
		ui(w.win.Close)
		return
	}

	// Restauration of one of them over its own dossier.
	ui(func() { w.restart(); w.show(stepIdxConnexion) })
	take("restauration-1-connexion", false)
	ui(w.forward)
	ui(func() {
		w.opts.Operation = "restauration"
		w.show(stepIdxOperation)
	})
	take("restauration-2-operation", false)
	ui(w.forward)
	ui(func() {
		if len(w.files) > 0 {
			w.opts.Files = []string{w.files[0].Path}
			w.opts.Numero = w.files[0].Identity().Numero
		}
		w.show(stepIdxDossiers)
	})
	take("restauration-3-sauvegardes", false)
	ui(w.forward)
	ui(func() {
		w.opts.Replace = true
		w.show(stepIdxOptions)
	})
	take("restauration-4-options", false)
	ui(w.forward)
	take("restauration-5-resume", false)
	runAndShoot("restauration-")

	takeFiscalScreenshots(w, dir)
	takeContentScreenshots(w, dir)

	// A refused step, and the wizard at 1024×600.
	ui(func() {
		w.restart()
		w.show(stepIdxDossiers)
		w.forward()
	})
	take("refus-suivant", false)
	ui(func() {
		w.win.Resize(fyne.NewSize(1024, 600))
		w.opts.Operation, w.opts.Dossiers = "sauvegarde", []string{"002"}
		w.show(stepIdxDossiers)
	})
	take("petit-ecran-1024x600-dossiers", false)
	ui(func() { w.show(stepIdxOptions) })
	take("petit-ecran-1024x600-options", false)
	ui(func() { w.openConfiguration() })
	take("configuration-code", false)
	ui(func() {
		for o := w.win.Canvas().Overlays(); o.Top() != nil; {
			o.Remove(o.Top())
		}
		tabs := container.NewAppTabs(AutoConfigTabs(w.win, "")...)
		for _, t := range tabs.Items {
			if t.Text == "E-mail" {
				tabs.Select(t)
			}
		}
		w.win.SetContent(tabs)
		w.win.Resize(screenshotSize())
	})
	take("configuration-email", false)
	takeConfigScreenshots(w, dir)
	ui(w.win.Close)
}

// takeExitScreenshot saves the exit-time window, then closes it.
func takeExitScreenshot(p *exitPrompt, dir string) {
	fyne.DoAndWait(func() { p.win.Resize(fyne.NewSize(620, 340)) })
	name := "quitter"
	if p.who.Name == "" {
		name = "quitter-code"
	}
	shot(p.win, dir, name)
	fyne.DoAndWait(p.close)
}

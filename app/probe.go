package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/dossier"
)

// probeDelay is how long after the last keystroke a typed destination is
// checked (a chosen one is checked at once); tests set it to 0.
var probeDelay = 700 * time.Millisecond

// destProbe checks a destination folder as soon as it is chosen — it
// exists, one can write there (a temp file is created and removed), and it
// has room for what the operation may write — and says why not under the
// field, off the UI goroutine; the sentence goes away once its cause is
// fixed. (It was only found at « Lancer », as « read-only file system ».)
type destProbe struct {
	w     *wizard
	label *widget.Label
	timer *time.Timer
	gen   int
	// bad are the folders found unusable, whose sentence Suivant may have
	// put in the wizard's reason.
	bad []string
}

func newDestProbe(w *wizard) *destProbe {
	l := wrapLabel("")
	l.Importance = widget.DangerImportance
	l.Hide()
	return &destProbe{w: w, label: l}
}

// changed is called with the folder each time it changes.
func (p *destProbe) changed(dir string) {
	p.gen++
	gen := p.gen
	if p.timer != nil {
		p.timer.Stop()
	}
	need, work := p.w.expectedSize(), p.w.goWork // read here, on the UI goroutine
	run := func() {
		err := destError(dir)
		if err == nil {
			err = dossier.CheckRoom(dir, need)
		}
		fyne.Do(func() {
			if gen != p.gen {
				return // the folder changed meanwhile
			}
			showReason(p.label, p.label, err)
			if err != nil {
				p.bad = append(p.bad, dir)
				return
			}
			// Suivant's sentence about a folder given up goes too.
			for _, b := range p.bad {
				if b != "" && strings.Contains(p.w.reason.Text, b) {
					p.w.setReason(nil)
				}
			}
			p.bad = nil
		})
	}
	if probeDelay == 0 {
		work(run)
		return
	}
	p.timer = time.AfterFunc(probeDelay, func() { work(run) })
}

// expectedSize is what the operation may write at most: the size of the
// dossiers it works on (a backup is compressed, so it takes less; a file
// operation chooses no dossier).
func (w *wizard) expectedSize() int64 {
	var n int64
	for _, d := range w.opts.Dossiers {
		n += w.info(d).Taille
	}
	return n
}

// roomError is the room check of Suivant on the Options step.
func (w *wizard) roomError() error {
	return dossier.CheckRoom(w.opts.DestDir, w.expectedSize())
}

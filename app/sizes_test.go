package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// crumbText is what the breadcrumb shows: the names of the whole one when
// it fits, else the condensed line.
func crumbText(w *wizard) string {
	if w.crumbShort.Visible() {
		return w.crumbShort.Text
	}
	var names []string
	for _, o := range w.crumbs.Objects {
		if t, ok := o.(*canvas.Text); ok && t.TextStyle.Bold {
			names = append(names, t.Text)
		}
	}
	return strings.Join(names, " ")
}

func TestBreadcrumbShowsTheCurrentStepAtEverySize(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	w.show(stepIdxResult) // an empty result: the frame is what is tested
	for _, size := range []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1000, Height: 680}, {Width: 1024, Height: 600}, {Width: 640, Height: 480}} {
		w.win.Resize(size)
		got := crumbText(w)
		if !strings.Contains(got, "Résultat") {
			t.Errorf("at %v the breadcrumb shows %q, not the current step", size, got)
		}
		// The whole breadcrumb is never cut: it fits, or the line shows.
		if !w.crumbShort.Visible() && w.crumbs.MinSize().Width > w.crumbs.Size().Width+1 {
			t.Errorf("at %v the breadcrumb is cut (%v wide in %v)", size, w.crumbs.MinSize().Width, w.crumbs.Size().Width)
		}
	}
	w.win.Resize(fyne.NewSize(640, 480))
	if !w.crumbShort.Visible() || w.crumbShort.Text != "Étape 7 sur 7 — Résultat" {
		t.Errorf("narrow window: condensed %v %q", w.crumbShort.Visible(), w.crumbShort.Text)
	}
	w.win.Resize(fyne.NewSize(1920, 1080))
	if w.crumbShort.Visible() {
		t.Error("wide window: the breadcrumb is condensed")
	}
}

func TestFECTickedByDefaultForTheTaxAuditCopy(t *testing.T) {
	conn := env(t, "001SOC")
	w := newTestWizard(t, conn)
	if !w.opts.FEC {
		t.Fatal("FEC not ticked by default")
	}
	w.opts.resetChoices()
	if !w.opts.FEC {
		t.Fatal("a new operation unticks the FEC")
	}
}

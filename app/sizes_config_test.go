package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// At 1024×600, the SFTP copy's « Faire confiance à ce serveur » is on
// screen without scrolling.
func TestTrustButtonVisibleAt1024x600(t *testing.T) {
	env(t)
	a := test.NewTempApp(t)
	win := a.NewWindow("Coffre")
	tabs := container.NewAppTabs(AutoConfigTabs(win, "")...)
	win.SetContent(tabs)
	win.Resize(fyne.NewSize(1024, 600))
	win.Show()
	tabs.SelectIndex(1)
	kind := find(tabs, func(s *widget.Select) bool { return len(s.Options) > 1 && s.Options[1] == "Serveur SFTP" })
	if kind == nil {
		t.Fatal("no kind of remote copy")
	}
	kind.SetSelectedIndex(1)
	trust := find(tabs, func(b *widget.Button) bool { return b.Text == "Faire confiance à ce serveur" })
	if trust == nil {
		t.Fatal("no « Faire confiance à ce serveur »")
	}
	scroll := find(tabs, func(s *container.Scroll) bool { return s.Visible() && s.Size().Height > 0 })
	d := a.Driver()
	bottom := d.AbsolutePositionForObject(trust).Y + trust.Size().Height
	view := d.AbsolutePositionForObject(scroll).Y + scroll.Size().Height
	t.Logf("button ends at %.0f, the visible part at %.0f", bottom, view)
	if bottom > view {
		t.Errorf("« Faire confiance à ce serveur » needs scrolling at 1024×600 (ends at %.0f, view ends at %.0f)", bottom, view)
	}
}

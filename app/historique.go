package app

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/i18n"
	"coffre/internal/journal"
	"coffre/internal/service"
)

var (
	msgHistTitle   = &i18n.Message{ID: "UIHistoriqueTitre", Other: "Coffre — Historique des sauvegardes automatiques"}
	msgHistTab     = &i18n.Message{ID: "UIHistoriqueOnglet", Other: "Historique"}
	msgHistEmpty   = &i18n.Message{ID: "UIHistoriqueVide", Other: "Aucune sauvegarde automatique pour l'instant."}
	msgHistRefresh = &i18n.Message{ID: "UIHistoriqueActualiser", Other: "Actualiser"}
	msgHistChoose  = &i18n.Message{ID: "UIHistoriqueChoisir", Other: "Choisissez une exécution dans la liste pour voir son détail."}
)

// HistoriqueMax is how many runs the « Historique » view shows.
const HistoriqueMax = 200

// HistoriqueView is the « Historique » view: the runs of the automatic
// backup service, newest first, and the detail of the one selected. It
// reads the service's run log (j nil = the default one in the data folder).
func HistoriqueView(j *journal.Journal) fyne.CanvasObject {
	if j == nil {
		j = journal.Open(filepath.Join(service.DefaultDir(), "journal"))
	}
	var entries []journal.Entry
	detail := widget.NewLabel(i18n.T(msgHistChoose, nil))
	detail.Wrapping = fyne.TextWrapWord
	list := widget.NewList(
		func() int { return len(entries) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			icon := theme.ConfirmIcon()
			switch entries[i].Statut {
			case journal.StatusFailed:
				icon = theme.ErrorIcon()
			case journal.StatusPartial, journal.StatusSuspicious, journal.StatusRemoteFailed:
				icon = theme.WarningIcon()
			}
			box.Objects[0].(*widget.Icon).SetResource(icon)
			box.Objects[1].(*widget.Label).SetText(entries[i].Title())
		})
	list.OnSelected = func(i widget.ListItemID) {
		detail.SetText(entries[i].Title() + "\n\n" + strings.Join(entries[i].Lines(), "\n"))
	}
	empty := widget.NewLabel(i18n.T(msgHistEmpty, nil))
	load := func() {
		entries, _ = j.Read(HistoriqueMax)
		empty.Hidden = len(entries) > 0
		list.UnselectAll()
		list.Refresh()
		detail.SetText(i18n.T(msgHistChoose, nil))
	}
	load()
	refresh := widget.NewButtonWithIcon(i18n.T(msgHistRefresh, nil), theme.ViewRefreshIcon(), load)
	split := container.NewHSplit(list, container.NewVScroll(detail))
	split.Offset = 0.45
	return container.NewBorder(container.NewHBox(refresh, empty), nil, nil, nil, split)
}

// HistoriqueTab is the view as a tab of the Configuration window.
func HistoriqueTab() *container.TabItem {
	return container.NewTabItemWithIcon(i18n.T(msgHistTab, nil), theme.HistoryIcon(), HistoriqueView(nil))
}

// OpenHistorique shows the view in its own window.
func OpenHistorique(a fyne.App) fyne.Window {
	win := a.NewWindow(i18n.T(msgHistTitle, nil))
	win.SetContent(HistoriqueView(nil))
	win.Resize(fyne.NewSize(900, 560))
	win.Show()
	return win
}

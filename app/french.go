package app

import (
	"fyne.io/fyne/v2/widget"

	"coffre/internal/i18n"
)

var msgSelectOne = &i18n.Message{ID: "UIChoisissez", Other: "(choisissez)"}

// newSelect is widget.NewSelect with a French placeholder: Fyne's own,
// « (Select one) », is not translated.
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = i18n.T(msgSelectOne, nil)
	return s
}

package app

import (
	"coffre/internal/i18n"
)

var msgSelectOne = &i18n.Message{ID: "UIChoisissez", Other: "(choisissez)"}

// newSelect is widget.NewSelect with a French placeholder: Fyne's own,
// « (Select one) », is not translated; in a wizard step, wireKeys gives it
// the window's Enter and Escape.
func newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{}
	s.Options, s.OnChanged, s.PlaceHolder = options, changed, i18n.T(msgSelectOne, nil)
	s.ExtendBaseWidget(s)
	return s
}

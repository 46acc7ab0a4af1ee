package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The wizard's keys, as in a Windows wizard: Enter is « Suivant » (or
// « Lancer ») when the step allows it, Escape closes the dialog shown or is
// « Annuler ». Tab goes through the controls in reading order (Fyne's own
// order: the tree of the step, then the buttons).

// typedKey gets the keys no control used.
func (w *wizard) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if w.win.Canvas().Overlays().Top() != nil {
			return // a dialog is open: its own buttons answer
		}
		if !w.next.Disabled() {
			w.forward()
		}
	case fyne.KeyEscape:
		w.escape()
	}
}

// escape closes the dialog on top (as its « Annuler » / « Continuer »),
// else is the wizard's « Annuler ».
func (w *wizard) escape() {
	if w.dialog != nil {
		d := w.dialog
		w.dialog = nil
		d.Hide()
		return
	}
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		w.win.Canvas().Overlays().Remove(top)
		return
	}
	if !w.cancel.Disabled() {
		w.cancelTapped()
	}
}

// wireKeys makes Enter in a one-line entry of the step, and the keys the
// choice lists leave, reach the window's keys: the focus in an entry must
// not take Enter away from « Suivant ».
func (w *wizard) wireKeys(o fyne.CanvasObject) {
	eachControl(o, func(c fyne.CanvasObject) {
		switch x := c.(type) {
		case *widget.Entry:
			if !x.MultiLine && x.OnSubmitted == nil {
				x.OnSubmitted = func(string) { w.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
			}
		case *escEntry:
			if x.onEscape == nil {
				x.onEscape = w.escape
			}
			if !x.MultiLine && x.OnSubmitted == nil {
				x.OnSubmitted = func(string) { w.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
			}
		case *radioList:
			if x.onKey == nil {
				x.onKey = w.typedKey
			}
		case *keyCheck:
			if x.onKey == nil {
				x.onKey = w.typedKey
			}
		case *keyTable:
			if x.onKey == nil {
				x.onKey = w.typedKey
			}
		case *keyButton:
			if x.onKey == nil {
				x.onKey = w.typedKey
			}
		case *keySelect:
			if x.onKey == nil {
				x.onKey = w.typedKey
			}
		}
	})
}

// eachControl calls fn on o and every object inside the containers,
// scrolls, forms and tabs under it.
func eachControl(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			eachControl(c, fn)
		}
	case *container.Scroll:
		eachControl(x.Content, fn)
	case *widget.Form:
		for _, it := range x.Items {
			eachControl(it.Widget, fn)
		}
	case *container.AppTabs:
		for _, it := range x.Items {
			eachControl(it.Content, fn)
		}
	}
}

// escEntry is an entry that gives Escape to the window (the code asked
// for at the end of the day: Escape is « Ne pas sauvegarder »).
type escEntry struct {
	widget.Entry
	onEscape func()
}

func newEscEntry(onEscape func()) *escEntry {
	e := &escEntry{onEscape: onEscape}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// newEntry is a one-line entry of a wizard step: wireKeys gives it the
// window's Enter and Escape.
func newEntry() *escEntry { return newEscEntry(nil) }

// newPasswordEntry is newEntry with the text hidden (Fyne's renderer adds
// the eye that shows it, as for widget.NewPasswordEntry).
func newPasswordEntry() *escEntry {
	e := newEscEntry(nil)
	e.Password = true
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

// unwrap is the plain entry inside (tests find entries by type).
func (e *escEntry) unwrap() fyne.CanvasObject { return &e.Entry }

// keyCheck is a check box that gives Enter and Escape to the window: a box
// ticked with the mouse keeps the focus, and Enter must still be
// « Suivant ».
type keyCheck struct {
	widget.Check
	onKey func(*fyne.KeyEvent)
}

func newCheck(text string, changed func(bool)) *keyCheck {
	c := &keyCheck{}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(k *fyne.KeyEvent) {
	if windowKey(k) && c.onKey != nil {
		c.onKey(k)
		return
	}
	c.Check.TypedKey(k)
}

func (c *keyCheck) unwrap() fyne.CanvasObject { return &c.Check }

// keyTable is a table that gives Enter and Escape to the window (the
// arrows and Space stay the table's).
type keyTable struct {
	widget.Table
	onKey func(*fyne.KeyEvent)
}

func newKeyTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := &keyTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ShowHeaderRow, t.ShowHeaderColumn = true, true
	t.ExtendBaseWidget(t)
	return t
}

func (t *keyTable) TypedKey(k *fyne.KeyEvent) {
	if windowKey(k) && t.onKey != nil {
		t.onKey(k)
		return
	}
	t.Table.TypedKey(k)
}

func (t *keyTable) unwrap() fyne.CanvasObject { return &t.Table }

// keySelect is a drop-down list that gives Enter and Escape to the window
// (the arrows and Space stay the list's).
type keySelect struct {
	widget.Select
	onKey func(*fyne.KeyEvent)
}

func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if windowKey(k) && s.onKey != nil {
		s.onKey(k)
		return
	}
	s.Select.TypedKey(k)
}

func (s *keySelect) unwrap() fyne.CanvasObject { return &s.Select }

func windowKey(k *fyne.KeyEvent) bool {
	return k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter || k.Name == fyne.KeyEscape
}

// keyButton is a button that, focused, takes Enter as a press (as on
// Windows) and gives Escape to the window.
type keyButton struct {
	widget.Button
	onKey func(*fyne.KeyEvent)
}

// newKeyButton returns the button to place and, for the rest of the code,
// the plain button inside it.
func newKeyButton(label string, icon fyne.Resource, tapped func()) (*keyButton, *widget.Button) {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b, &b.Button
}

// stepButton is a button inside a wizard step (« Parcourir… », « Tester la
// connexion »…): focused, Enter presses it and Escape reaches the window
// once wireKeys has seen it.
func stepButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b, _ := newKeyButton(label, icon, tapped)
	return b
}

func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(&fyne.PointEvent{})
		}
	case fyne.KeyEscape:
		if b.onKey != nil {
			b.onKey(k)
		}
	default:
		b.Button.TypedKey(k)
	}
}

func (b *keyButton) unwrap() fyne.CanvasObject { return &b.Button }

package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// radioList is a choice of one, as a Windows radio group: one Tab stop,
// the arrow keys move the choice, the focus is drawn around the chosen
// option, a tap chooses. Columns > 1 lays long lists out in columns (the
// eleven operations fit a 1024×600 screen).
type radioList struct {
	widget.BaseWidget
	Options   []string
	Selected  string
	OnChanged func(string)
	Columns   int
	// onKey, if set, gets the keys the list does not use (Enter, Escape):
	// the window's own keys still work when the list has the focus.
	onKey func(*fyne.KeyEvent)

	focused bool
	grid    *fyne.Container
	rows    []*fyne.Container
}

func newRadioList(options []string, changed func(string)) *radioList {
	r := &radioList{Options: options, OnChanged: changed, Columns: 1}
	r.ExtendBaseWidget(r)
	return r
}

// SetSelected chooses s (OnChanged is called when the choice changes).
func (r *radioList) SetSelected(s string) {
	if s == r.Selected {
		return
	}
	r.Selected = s
	r.Refresh()
	if r.OnChanged != nil {
		r.OnChanged(s)
	}
}

func (r *radioList) index() int {
	for i, o := range r.Options {
		if o == r.Selected {
			return i
		}
	}
	return -1
}

func (r *radioList) CreateRenderer() fyne.WidgetRenderer {
	r.rows = nil
	var objs []fyne.CanvasObject
	for _, o := range r.Options {
		bg := canvas.NewRectangle(color.Transparent)
		bg.CornerRadius = theme.InputRadiusSize()
		label := widget.NewLabel(o)
		label.Wrapping = fyne.TextWrapWord
		row := container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.RadioButtonIcon()), nil, label))
		r.rows = append(r.rows, row)
		objs = append(objs, row)
	}
	r.grid = container.NewGridWithColumns(max(r.Columns, 1), objs...)
	r.update()
	return widget.NewSimpleRenderer(r.grid)
}

func (r *radioList) Refresh() {
	r.update()
	r.BaseWidget.Refresh()
}

// update draws the choice and the focus.
func (r *radioList) update() {
	th := r.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for i, row := range r.rows {
		bg := row.Objects[0].(*canvas.Rectangle)
		icon := row.Objects[1].(*fyne.Container).Objects[1].(*widget.Icon)
		chosen := i < len(r.Options) && r.Options[i] == r.Selected
		if chosen {
			icon.SetResource(theme.RadioButtonCheckedIcon())
		} else {
			icon.SetResource(theme.RadioButtonIcon())
		}
		bg.FillColor = color.Transparent
		bg.StrokeWidth = 0
		if r.focused && (chosen || (r.Selected == "" && i == 0)) {
			bg.FillColor = th.Color(theme.ColorNameFocus, v)
			bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
			bg.StrokeWidth = 2
		}
		bg.Refresh()
	}
}

// Tapped chooses the option under the pointer.
func (r *radioList) Tapped(e *fyne.PointEvent) {
	for i, row := range r.rows {
		p, s := row.Position(), row.Size()
		if e.Position.X >= p.X && e.Position.X < p.X+s.Width && e.Position.Y >= p.Y && e.Position.Y < p.Y+s.Height {
			if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
				c.Focus(r)
			}
			r.SetSelected(r.Options[i])
			return
		}
	}
}

func (r *radioList) FocusGained()   { r.focused = true; r.Refresh() }
func (r *radioList) FocusLost()     { r.focused = false; r.Refresh() }
func (r *radioList) TypedRune(rune) {}

// TypedKey: the arrows move the choice (as in a Windows radio group);
// Home and End go to the first and the last.
func (r *radioList) TypedKey(e *fyne.KeyEvent) {
	i, n := r.index(), len(r.Options)
	if n == 0 {
		return
	}
	switch e.Name {
	case fyne.KeyDown, fyne.KeyRight:
		i = min(i+1, n-1)
	case fyne.KeyUp, fyne.KeyLeft:
		i = max(i-1, 0)
	case fyne.KeyHome:
		i = 0
	case fyne.KeyEnd:
		i = n - 1
	case fyne.KeySpace:
		i = max(i, 0)
	default:
		if r.onKey != nil {
			r.onKey(e)
		}
		return
	}
	r.SetSelected(r.Options[i])
}

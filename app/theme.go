package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// coffreTheme is Fyne's theme with controls one can see. In the default
// theme an unticked box or radio button is drawn in #e3e3e3 on white
// (1.3:1), the very grey of disabled text, and a disabled button is the
// colour of an enabled one. Here the box and radio outlines are at least
// 4.5:1 against the window and the field, disabled text and icons
// clearly paler than the outlines, and a disabled button flat against the
// window while an enabled one stands out. The variant is the system's
// (Fyne's settings: the Windows « mode clair / sombre », the desktop's
// colour scheme on Linux; light when it says nothing).
type coffreTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return coffreTheme{theme.DefaultTheme()} }

var (
	lightInputBorder    = color.NRGBA{R: 0x6e, G: 0x6e, B: 0x6e, A: 0xff}
	lightDisabled       = color.NRGBA{R: 0x9b, G: 0x9b, B: 0x9b, A: 0xff}
	lightButton         = color.NRGBA{R: 0xe1, G: 0xe1, B: 0xe1, A: 0xff}
	lightDisabledButton = color.NRGBA{R: 0xf7, G: 0xf7, B: 0xf7, A: 0xff}
	lightFocus          = color.NRGBA{R: 0x00, G: 0x5f, B: 0xcc, A: 0x40}
	darkInputBorder     = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9e, A: 0xff}
	darkDisabled        = color.NRGBA{R: 0x60, G: 0x60, B: 0x64, A: 0xff}
	darkButton          = color.NRGBA{R: 0x3a, G: 0x3b, B: 0x42, A: 0xff}
	darkDisabledButton  = color.NRGBA{R: 0x1e, G: 0x1e, B: 0x20, A: 0xff}
	darkFocus           = color.NRGBA{R: 0x5c, G: 0x9d, B: 0xff, A: 0x50}
)

func (t coffreTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	dark := v == theme.VariantDark
	pick := func(light, darkc color.Color) color.Color {
		if dark {
			return darkc
		}
		return light
	}
	switch n {
	case theme.ColorNameInputBorder:
		return pick(lightInputBorder, darkInputBorder)
	case theme.ColorNameDisabled:
		return pick(lightDisabled, darkDisabled)
	case theme.ColorNameButton:
		return pick(lightButton, darkButton)
	case theme.ColorNameDisabledButton:
		return pick(lightDisabledButton, darkDisabledButton)
	case theme.ColorNameFocus:
		return pick(lightFocus, darkFocus)
	}
	return t.Theme.Color(n, v)
}

// contrast is the WCAG contrast ratio of fg over bg (fg's transparency
// blended over bg), from 1 to 21.
func contrast(fg, bg color.Color) float64 {
	br, bgg, bb := linear(bg)
	r, g, b, a := nrgba(fg)
	blend := func(c, under float64) float64 { return c*a + under*(1-a) }
	fr, fgg, fb := srgbToLinear(blend(r, srgb(br))), srgbToLinear(blend(g, srgb(bgg))), srgbToLinear(blend(b, srgb(bb)))
	l1 := 0.2126*fr + 0.7152*fgg + 0.0722*fb
	l2 := 0.2126*br + 0.7152*bgg + 0.0722*bb
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func nrgba(c color.Color) (r, g, b, a float64) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return float64(n.R) / 255, float64(n.G) / 255, float64(n.B) / 255, float64(n.A) / 255
}

func linear(c color.Color) (r, g, b float64) {
	rr, gg, bb, _ := nrgba(c)
	return srgbToLinear(rr), srgbToLinear(gg), srgbToLinear(bb)
}

func srgbToLinear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// srgb is the inverse of srgbToLinear.
func srgb(l float64) float64 {
	if l <= 0.0031308 {
		return l * 12.92
	}
	return 1.055*math.Pow(l, 1/2.4) - 0.055
}

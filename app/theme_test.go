package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// themeProblems lists what makes th's controls hard to see in variant v.
func themeProblems(th fyne.Theme, v fyne.ThemeVariant) []string {
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	bg, field := c(theme.ColorNameBackground), c(theme.ColorNameInputBackground)
	var out []string
	need := func(what string, fg, bg color.Color, min float64) {
		if r := contrast(fg, bg); r < min {
			out = append(out, what)
		}
	}
	need("unticked box / radio outline against the window (3:1)", c(theme.ColorNameInputBorder), bg, 3)
	need("unticked box outline against its own fill (3:1)", c(theme.ColorNameInputBorder), field, 3)
	need("ticked box / chosen radio against the window (3:1)", c(theme.ColorNamePrimary), bg, 3)
	need("text against the window (4.5:1)", c(theme.ColorNameForeground), bg, 4.5)
	need("disabled text still legible (2:1)", c(theme.ColorNameDisabled), bg, 2)
	// Disabled must look disabled: paler than an enabled outline, and a
	// disabled button unlike an enabled one.
	if contrast(c(theme.ColorNameDisabled), bg) >= contrast(c(theme.ColorNameInputBorder), bg)/1.5 {
		out = append(out, "disabled text as dark as an enabled control's outline")
	}
	if contrast(c(theme.ColorNameButton), c(theme.ColorNameDisabledButton)) < 1.15 {
		out = append(out, "a disabled button the colour of an enabled one")
	}
	return out
}

func TestThemeControlsContrast(t *testing.T) {
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		if p := themeProblems(newTheme(), v); len(p) > 0 {
			t.Errorf("Coffre theme, %s: %v", name, p)
		}
		// What the issue saw: Fyne's default theme fails these.
		if p := themeProblems(theme.DefaultTheme(), v); len(p) == 0 {
			t.Errorf("the default %s theme passes: the test measures nothing", name)
		} else {
			t.Logf("default theme, %s: %v", name, p)
		}
		bg := newTheme().Color(theme.ColorNameBackground, v)
		t.Logf("%s: outline %.1f:1, disabled %.1f:1, primary %.1f:1", name,
			contrast(newTheme().Color(theme.ColorNameInputBorder, v), bg),
			contrast(newTheme().Color(theme.ColorNameDisabled, v), bg),
			contrast(newTheme().Color(theme.ColorNamePrimary, v), bg))
	}
	if r := contrast(color.Black, color.White); r < 20.9 || r > 21.1 {
		t.Fatalf("contrast(black, white) = %.2f", r)
	}
}

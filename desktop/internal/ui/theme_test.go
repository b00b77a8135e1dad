package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of an opaque color.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// Muted text ("since 17:51", hints, a disabled Sign in) keeps WCAG AA's 4.5:1 in both variants, on the
// window and on a disabled button; fyne's own disabled color does not.
func TestThemeMutedTextContrast(t *testing.T) {
	th := Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		muted := th.Color(theme.ColorNameDisabled, v)
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameDisabledButton, theme.ColorNameInputBackground} {
			if c := contrast(muted, th.Color(bg, v)); c < 4.5 {
				t.Errorf("variant %d: muted text on %s: %.2f:1, want ≥ 4.5:1", v, bg, c)
			}
		}
		if c := contrast(th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameBackground, v)); c < 4.5 {
			t.Errorf("variant %d: body text %.2f:1", v, c)
		}
		if th.Color(theme.ColorNamePrimary, v) != theme.DefaultTheme().Color(theme.ColorNamePrimary, v) {
			t.Errorf("variant %d: only the muted color changes", v)
		}
	}
	if c := contrast(theme.DefaultTheme().Color(theme.ColorNameDisabled, theme.VariantDark), theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)); c >= 4.5 {
		t.Logf("fyne's own disabled color now passes (%.2f:1): the override may go", c)
	}
}

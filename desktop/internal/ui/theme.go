package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is fyne's default theme with legible muted text: fyne draws low-importance labels ("since
// 17:51", hints) and the text of disabled buttons in its "disabled" color, #39393A on #171718 in the
// dark variant (about 1.5:1). Here that color keeps WCAG AA's 4.5:1 against the window's background
// and against a disabled button's, so muted text reads as secondary, not as missing. The app sets it
// for every window (fyne.App.Settings().SetTheme).
func Theme() fyne.Theme { return mutedTheme{theme.DefaultTheme()} }

// Muted text colors, per variant.
var (
	mutedDark  = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9e, A: 0xff}
	mutedLight = color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
)

type mutedTheme struct{ fyne.Theme }

func (t mutedTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if name == theme.ColorNameDisabled {
		if v == theme.VariantLight {
			return mutedLight
		}
		return mutedDark
	}
	return t.Theme.Color(name, v)
}

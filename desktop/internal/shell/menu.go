package shell

import (
	"fyne.io/fyne/v2"

	"presencehub.dev/desktop/internal/model"
)

// TrayMenu turns the model's menu items into a fyne menu whose actions call do with their item. The
// Quit item is marked as such, so fyne does not add a second one.
func TrayMenu(items []model.Item, do func(model.Item)) *fyne.Menu {
	m := fyne.NewMenu("Presence Hub")
	for _, it := range items {
		if it.Separator {
			m.Items = append(m.Items, fyne.NewMenuItemSeparator())
			continue
		}
		mi := fyne.NewMenuItem(it.Label, nil)
		mi.Disabled = !it.Enabled
		mi.Checked = it.Checked
		mi.IsQuit = it.Action == model.ActQuit
		if it.Action != model.ActNone {
			mi.Action = func() { do(it) }
		}
		m.Items = append(m.Items, mi)
	}
	return m
}

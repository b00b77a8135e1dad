package shell

import (
	"runtime"

	"fyne.io/fyne/v2"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/ui"
)

// TrayMenu turns the model's menu items into a fyne menu whose actions call do with their item. The
// Quit item is marked as such, so fyne does not add a second one. Labels are escaped for the OS's
// menus (model.EscapeMnemonics: "On_Break" would show as "OnBreak" in a Linux tray); do gets the
// item as the model made it.
func TrayMenu(items []model.Item, do func(model.Item)) *fyne.Menu {
	m := fyne.NewMenu("Presence Hub")
	shown := model.EscapeMnemonics(items, runtime.GOOS)
	for i, it := range items {
		if it.Separator {
			m.Items = append(m.Items, fyne.NewMenuItemSeparator())
			continue
		}
		mi := fyne.NewMenuItem(shown[i].Label, nil)
		mi.Disabled = !it.Enabled
		mi.Checked = it.Checked
		mi.IsQuit = it.Action == model.ActQuit
		if it.Sync != 0 {
			mi.Icon = ui.SyncResource(it.Sync)
		}
		if it.Action != model.ActNone {
			mi.Action = func() { do(it) }
		}
		m.Items = append(m.Items, mi)
	}
	return m
}

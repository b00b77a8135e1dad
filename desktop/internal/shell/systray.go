package shell

import (
	"runtime"
	"sync"

	"fyne.io/systray"

	"presencehub.dev/desktop/internal/icons"
	"presencehub.dev/desktop/internal/model"
)

// Title is the tray item's title (the StatusNotifierItem's Title and Id on Linux).
const Title = "Presence Hub"

// SysTray is the Tray of the app: fyne.io/systray directly, with no GUI toolkit and no GL context
// (D-Bus StatusNotifierItem and dbusmenu on Linux, the notification area on Windows, the menu bar on
// macOS). Nothing in it runs until the tray host asks: no timers, no polling.
type SysTray struct {
	mu sync.Mutex // one menu rebuild at a time
}

// Run shows the tray and blocks until Quit; call it on the main goroutine (macOS needs the main
// thread). onTap runs on a left click of the icon (hosts that support it), ready once the tray is up:
// set the first menu and icon there, not before (Windows and macOS have no tray before).
func (t *SysTray) Run(onTap, ready func()) {
	if runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		systray.SetTitle(Title) // the StatusNotifierItem's Title, and before Run its Id (macOS would show it as text)
	}
	if onTap != nil {
		systray.SetOnTapped(onTap)
	}
	systray.Run(ready, nil)
}

// Quit ends Run.
func (t *SysTray) Quit() { systray.Quit() }

// SetMenu replaces the menu, its labels escaped for the OS's menus (model.EscapeMnemonics) and a sync
// icon before each connected system's line. do runs, on a goroutine of the item, for each click of an
// item with an action, with the item as the model made it.
func (t *SysTray) SetMenu(items []model.Item, do func(model.Item)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	systray.ResetMenu()                                 // closes the old items' click channels: their goroutines end
	shown := model.EscapeMnemonics(items, runtime.GOOS) // "On_Break" would show as "OnBreak"; do gets the model's item
	for i, it := range items {
		if it.Separator {
			systray.AddSeparator()
			continue
		}
		var mi *systray.MenuItem
		if it.Checked {
			mi = systray.AddMenuItemCheckbox(shown[i].Label, "", true)
		} else {
			mi = systray.AddMenuItem(shown[i].Label, "")
		}
		if !it.Enabled {
			mi.Disable()
		}
		if it.Sync != 0 {
			mi.SetIcon(osIcon(icons.SyncPNG(it.Sync)))
		}
		if it.Action != model.ActNone {
			go func() {
				for range mi.ClickedCh {
					do(it)
				}
			}()
		}
	}
}

// SetIcon shows the icon of a kind.
func (t *SysTray) SetIcon(k model.IconKind) { systray.SetIcon(osIcon(icons.PNG(k))) }

// SetTooltip sets the icon's tooltip.
func (t *SysTray) SetTooltip(tip string) { systray.SetTooltip(tip) }

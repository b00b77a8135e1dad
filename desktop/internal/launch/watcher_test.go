package launch

import (
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// statusNotifierWatcher is the desktop's side of the StatusNotifierItem protocol, as a panel provides
// it (KDE's, GNOME's AppIndicator extension): a tray item registers with it, which is how a real tray
// host learns of the item. The private test session has no panel, so the test provides the watcher:
// the tray then runs as on a desktop (without one, fyne.io/systray logs "failed to register:
// org.kde.StatusNotifierWatcher was not provided"), and the test can check that it registers.
type statusNotifierWatcher struct {
	mu    sync.Mutex
	items []string // "<sender> <argument>" per registration
}

// RegisterStatusNotifierItem is the watcher's D-Bus method; the item passes its bus name or, as
// fyne.io/systray does, its object path.
func (w *statusNotifierWatcher) RegisterStatusNotifierItem(sender dbus.Sender, item string) *dbus.Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.items = append(w.items, string(sender)+" "+item)
	return nil
}

// registered reports whether the bus connection owner registered an item.
func (w *statusNotifierWatcher) registered(owner string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, it := range w.items {
		if strings.HasPrefix(it, owner+" ") {
			return true
		}
	}
	return false
}

// serveWatcher exports a watcher on bus under its well-known name until the test ends.
func serveWatcher(t *testing.T, bus *dbus.Conn) *statusNotifierWatcher {
	t.Helper()
	const name, path = "org.kde.StatusNotifierWatcher", dbus.ObjectPath("/StatusNotifierWatcher")
	w := &statusNotifierWatcher{}
	if err := bus.Export(w, path, name); err != nil {
		t.Fatalf("exporting the StatusNotifierWatcher: %v", err)
	}
	reply, err := bus.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s on the session bus: reply %v, %v", name, reply, err)
	}
	t.Cleanup(func() {
		_, _ = bus.ReleaseName(name)
		_ = bus.Export(nil, path, name)
	})
	return w
}

package launch

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"presencehub.dev/shared/testwait"
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

// notifications is a notification server (org.freedesktop.Notifications) as a desktop provides it.
type notifications struct {
	got chan string
}

// Notify is the server's D-Bus method; it records "app|summary|body".
func (n *notifications) Notify(app string, _ uint32, _, summary, body string, _ []string, _ map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	n.got <- app + "|" + summary + "|" + body
	return 1, nil
}

// serveNotifications exports a notification server on bus until the test ends; the function it
// returns gives the next notification received.
func serveNotifications(t *testing.T, bus *dbus.Conn) func() string {
	t.Helper()
	const name, path = "org.freedesktop.Notifications", dbus.ObjectPath("/org/freedesktop/Notifications")
	n := &notifications{got: make(chan string, 1)}
	if err := bus.Export(n, path, name); err != nil {
		t.Fatalf("exporting the notification server: %v", err)
	}
	reply, err := bus.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s on the session bus: reply %v, %v", name, reply, err)
	}
	t.Cleanup(func() {
		_, _ = bus.ReleaseName(name)
		_ = bus.Export(nil, path, name)
	})
	return func() string {
		select {
		case s := <-n.got:
			return s
		case <-time.After(testwait.Default):
			t.Fatal("no notification arrived")
			return ""
		}
	}
}

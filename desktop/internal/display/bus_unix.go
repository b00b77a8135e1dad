//go:build linux || freebsd || openbsd || netbsd

package display

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// CheckBus reports why the tray icon cannot show: it is a StatusNotifierItem on the D-Bus session
// bus, which must be reachable.
func CheckBus() error {
	if _, err := dbus.SessionBus(); err != nil {
		return fmt.Errorf("no D-Bus session bus for the tray icon (start presence-tray inside a desktop session): %w", err)
	}
	return nil
}

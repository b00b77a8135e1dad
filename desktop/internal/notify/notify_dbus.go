//go:build linux || freebsd || openbsd || netbsd

package notify

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// send calls org.freedesktop.Notifications.Notify on the session bus.
func send(title, body string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return fmt.Errorf("notifying: no session bus: %w", err)
	}
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	// app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout (-1: the server's)
	call := obj.Call("org.freedesktop.Notifications.Notify", 0, AppName, uint32(0), "", title, body,
		[]string{}, map[string]dbus.Variant{}, int32(-1))
	if call.Err != nil {
		return fmt.Errorf("notifying: %w", call.Err)
	}
	return nil
}

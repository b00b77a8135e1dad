// Package notify shows desktop notifications without a GUI toolkit, so the tray can notify while no
// window (and no Fyne) runs: over D-Bus (org.freedesktop.Notifications) on Linux and the BSDs, a
// PowerShell toast on Windows, osascript on macOS.
package notify

import "errors"

// AppName names the sender in the notification.
const AppName = "Presence Hub"

// ErrUnsupported: this OS has no notification path here.
var ErrUnsupported = errors.New("desktop notifications are not supported on this system")

// Notifier sends notifications. The zero value is ready.
type Notifier struct{}

// Send shows one notification; it returns once the desktop accepted it (or refused).
func (Notifier) Send(title, body string) error { return send(title, body) }

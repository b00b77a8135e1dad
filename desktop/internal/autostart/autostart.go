// Package autostart turns the "start at login" entry of the tray on and off: an XDG autostart
// .desktop file on Linux, a value under HKCU\...\CurrentVersion\Run on Windows, a LaunchAgent plist on
// macOS.
package autostart

// ID names the entry (file name, registry value, launchd label).
const ID = "dev.presencehub.tray"

// Entry is the start-at-login entry of one program.
type Entry struct {
	// Exec is the absolute path of the program to start.
	Exec string
}

// Set turns the entry on or off.
func (e Entry) Set(on bool) error {
	if on {
		return e.enable()
	}
	return e.disable()
}

// Enabled says whether the program starts at login.
func (e Entry) Enabled() (bool, error) { return e.enabled() }

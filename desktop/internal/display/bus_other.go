//go:build !linux && !freebsd && !openbsd && !netbsd

package display

// CheckBus is nil where the tray icon needs no session bus.
func CheckBus() error { return nil }

// Package display checks, before any GUI code runs, that the tray has a desktop to show itself on,
// so that without one it says what is wrong and exits instead of panicking inside GLFW ("X11: Failed
// to open display").
package display

import (
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Env reads an environment variable (os.Getenv).
type Env func(string) string

// Check reports why no window could open here, or nil. On Linux and the BSDs the windows need an X
// server (X11 or XWayland): DISPLAY must name one that accepts connections. Elsewhere it is nil.
func Check(env Env) error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
	default:
		return nil
	}
	d := env("DISPLAY")
	if d == "" {
		if env("WAYLAND_DISPLAY") != "" {
			return fmt.Errorf("DISPLAY is not set: Presence Hub needs X11 or XWayland, and this Wayland session offers no XWayland display")
		}
		return fmt.Errorf("no display: DISPLAY is not set (start presence-tray inside a desktop session)")
	}
	network, addr, err := Address(d)
	if err != nil {
		return err
	}
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return fmt.Errorf("cannot open the display %s: %w", d, err)
	}
	return c.Close()
}

// Address is where the X server of display name d ("[host]:n[.screen]") listens: the unix socket
// /tmp/.X11-unix/X<n> for a local display, else TCP port 6000+n on host.
func Address(d string) (network, addr string, err error) {
	colon := strings.LastIndex(d, ":")
	if colon < 0 {
		return "", "", fmt.Errorf("DISPLAY %q is not of the form [host]:number", d)
	}
	host, num := d[:colon], d[colon+1:]
	num, _, _ = strings.Cut(num, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return "", "", fmt.Errorf("DISPLAY %q is not of the form [host]:number", d)
	}
	if host == "" || host == "unix" {
		return "unix", "/tmp/.X11-unix/X" + strconv.Itoa(n), nil // Xlib's fixed place
	}
	return "tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n)), nil
}

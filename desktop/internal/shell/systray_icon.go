//go:build !windows

package shell

// osIcon is the icon in the format the OS's tray takes: PNG.
func osIcon(png []byte) []byte { return png }

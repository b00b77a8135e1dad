// Command icongen writes the tray's app icon, drawn by package icons, as the files installers need:
// presence-tray.png (256 px; Linux menus and hicolor theme), presence-tray.ico (Windows: exe resource,
// MSI, Add/Remove Programs) and presence-tray.icns (the macOS .app). scripts/package runs it:
//
//	go run ./desktop/internal/icons/icongen -out dist/build/icons
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"presencehub.dev/desktop/internal/icons"
)

func main() {
	out := flag.String("out", ".", "directory to write the icons to")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "icongen:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	ico, err := icons.ICO(16, 24, 32, 48, 64, 128, 256)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	for name, data := range map[string][]byte{
		"presence-tray.png":  icons.AppPNG(256),
		"presence-tray.ico":  ico,
		"presence-tray.icns": icons.ICNS(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	return nil
}

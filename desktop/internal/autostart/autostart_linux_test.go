package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestXDGAutostart(t *testing.T) {
	home, sys := t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("XDG_CONFIG_DIRS", sys)
	e := Entry{Exec: "/opt/Presence Hub/presence-tray"}
	file := filepath.Join(home, "autostart", ID+".desktop")

	if on, err := e.Enabled(); err != nil || on {
		t.Fatalf("fresh: %v, %v", on, err)
	}
	if err := e.Set(true); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "Type=Application\n", `Exec="/opt/Presence Hub/presence-tray" --autostart` + "\n", "TryExec=/opt/Presence Hub/presence-tray\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("entry lacks %q:\n%s", want, data)
		}
	}
	if on, _ := e.Enabled(); !on {
		t.Fatal("enabled entry reported off")
	}
	if err := e.Set(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("disabling should remove the user entry: %v", err)
	}

	// A system-wide entry (installed by the package) is overridden per user with Hidden=true.
	if err := os.MkdirAll(filepath.Join(sys, "autostart"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sys, "autostart", ID+".desktop"), []byte(Entry{Exec: "/usr/bin/presence-tray"}.desktopFile(false)), 0o644); err != nil {
		t.Fatal(err)
	}
	if on, _ := e.Enabled(); !on {
		t.Fatal("system entry should count as on")
	}
	if err := e.Set(false); err != nil {
		t.Fatal(err)
	}
	if on, _ := e.Enabled(); on {
		t.Fatal("user Hidden=true should turn the system entry off")
	}
	// Turning it on again drops the override instead of adding a second entry.
	if err := e.Set(true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("with a system entry, on means no user file: %v", err)
	}
	if on, _ := e.Enabled(); !on {
		t.Fatal("system entry should count as on again")
	}
	if err := (Entry{Exec: "presence-tray"}).Set(true); err == nil {
		t.Fatal("a relative path must be refused")
	}
}

// TestPackagedEntryMatches: the autostart entry the .deb/.rpm installs for everyone
// (installers/linux/tray) is exactly what the tray itself would write for /usr/bin/presence-tray, under
// the same name, so a user's own entry overrides it instead of starting the tray twice.
func TestPackagedEntryMatches(t *testing.T) {
	packaged, err := os.ReadFile(filepath.Join("..", "..", "..", "installers", "linux", "tray", ID+".autostart.desktop"))
	if os.IsNotExist(err) {
		t.Skip("installers/ not in this checkout")
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := (Entry{Exec: "/usr/bin/presence-tray"}).desktopFile(false); string(packaged) != want {
		t.Fatalf("installers/linux/tray/%s.autostart.desktop differs from the tray's own entry:\n%s\nwant:\n%s", ID, packaged, want)
	}
}

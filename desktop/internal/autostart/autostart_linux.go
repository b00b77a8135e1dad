package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// userDir is $XDG_CONFIG_HOME/autostart (~/.config/autostart).
func userDir() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the autostart directory: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart"), nil
}

// systemDirs are $XDG_CONFIG_DIRS/autostart (/etc/xdg/autostart), where a package may install the
// entry for everyone; a user entry with Hidden=true turns that off for one user.
func systemDirs() []string {
	dirs := os.Getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	var out []string
	for _, d := range filepath.SplitList(dirs) {
		if d != "" {
			out = append(out, filepath.Join(d, "autostart"))
		}
	}
	return out
}

func (e Entry) path() (string, error) {
	dir, err := userDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, ID+".desktop"), nil
}

// desktopFile is the entry's content; hidden turns off a system-wide entry of the same name. It starts
// the tray with --autostart, as the MSI's Run value does: a tray started at login for an agent (or by
// an IT policy) that turned start at login off exits at once.
func (e Entry) desktopFile(hidden bool) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\nName=Presence Hub\nComment=Your status in every contact-center tool\n")
	fmt.Fprintf(&b, "Exec=%s --autostart\nTryExec=%s\nIcon=%s\nTerminal=false\nX-GNOME-Autostart-enabled=%t\n", quoteExec(e.Exec), e.Exec, ID, !hidden)
	if hidden {
		b.WriteString("Hidden=true\n")
	}
	return b.String()
}

// quoteExec quotes a path for an Exec key (Desktop Entry Specification, "The Exec key").
func quoteExec(p string) string {
	if !strings.ContainsAny(p, " \t\n\"'\\><~|&;$*?#()`") {
		return p
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(p) + `"`
}

func (e Entry) enable() error {
	if !filepath.IsAbs(e.Exec) {
		return fmt.Errorf("autostart needs an absolute program path, not %q", e.Exec)
	}
	if e.systemEntry() { // the package's entry starts the tray: drop a user override, add no copy
		return e.removeUserFile()
	}
	return e.write(false)
}

func (e Entry) disable() error {
	if e.systemEntry() {
		return e.write(true)
	}
	return e.removeUserFile()
}

// systemEntry says whether a package installed the entry for everyone (installers/linux).
func (e Entry) systemEntry() bool {
	for _, d := range systemDirs() {
		if _, err := os.Stat(filepath.Join(d, ID+".desktop")); err == nil {
			return true
		}
	}
	return false
}

func (e Entry) removeUserFile() error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing autostart entry: %w", err)
	}
	return nil
}

func (e Entry) write(hidden bool) error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing autostart entry: %w", err)
	}
	if err := os.WriteFile(p, []byte(e.desktopFile(hidden)), 0o644); err != nil {
		return fmt.Errorf("writing autostart entry: %w", err)
	}
	return nil
}

func (e Entry) enabled() (bool, error) {
	files := []string{}
	if p, err := e.path(); err == nil {
		files = append(files, p)
	}
	for _, d := range systemDirs() {
		files = append(files, filepath.Join(d, ID+".desktop"))
	}
	for _, f := range files { // the first one found decides, as for the session manager
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("reading autostart entry: %w", err)
		}
		s := string(data)
		return !strings.Contains(s, "\nHidden=true") && !strings.Contains(s, "\nX-GNOME-Autostart-enabled=false"), nil
	}
	return false, nil
}

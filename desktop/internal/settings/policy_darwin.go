package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
)

// bundleID names the managed-preferences plist an MDM profile installs. Top-level keys (HubURL,
// StartAtLogin, Tenant) are enforced; a Recommended dictionary holds recommended ones.
const bundleID = "dev.presencehub.tray"

// PolicyLocation says where IT policy is read from, for --print-config.
func PolicyLocation() string { return filepath.Join("/Library/Managed Preferences", bundleID+".plist") }

func readPolicy() (Policy, error) {
	paths := []string{filepath.Join("/Library/Managed Preferences", bundleID+".plist")}
	if u, err := user.Current(); err == nil {
		paths = append([]string{filepath.Join("/Library/Managed Preferences", u.Username, bundleID+".plist")}, paths...)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		out, err := exec.Command("/usr/bin/plutil", "-convert", "json", "-o", "-", p).Output()
		if err != nil {
			return Policy{}, fmt.Errorf("reading policy %s: %w", p, err)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			return Policy{}, fmt.Errorf("reading policy %s: %w", p, err)
		}
		rec, _ := m[keyRecommended].(map[string]any)
		return Policy{Enforced: fromMap(m), Recommended: fromMap(rec)}, nil
	}
	return Policy{}, nil
}

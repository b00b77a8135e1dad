package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Prefs is the user's preferences file.
type Prefs struct{ Path string }

// UserPrefs is the preferences file in the OS's user config directory
// (~/.config/presence-hub/tray.json on Linux).
func UserPrefs() (Prefs, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Prefs{}, fmt.Errorf("finding the user config directory: %w", err)
	}
	return Prefs{Path: filepath.Join(dir, "presence-hub", "tray.json")}, nil
}

// Load reads the preferences; a missing file is no preferences.
func (p Prefs) Load() (Values, error) {
	var v Values
	data, err := os.ReadFile(p.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return v, nil
	}
	if err != nil {
		return v, fmt.Errorf("reading preferences: %w", err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return Values{}, fmt.Errorf("reading preferences %s: %w", p.Path, err)
	}
	return v, nil
}

// Save writes the preferences atomically (a temporary file renamed over the old one).
func (p Prefs) Save(v Values) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.Path), 0o700); err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.Path), ".tray-*.json")
	if err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving preferences: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	if err := os.Rename(tmp.Name(), p.Path); err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	return nil
}

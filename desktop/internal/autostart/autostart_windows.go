package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runKey holds the Run values: the tray's own per-user value under HKCU, and the MSI's machine-wide
// one under HKLM (installers/windows), both named ID. The machine value passes --autostart, so a tray
// it starts for a user who turned start at login off exits at once; the tray never adds a per-user
// value next to it, so nothing starts twice.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// machineEntry says whether the MSI installed the Run value for everyone.
func machineEntry() bool {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(ID)
	return err == nil
}

func (e Entry) enable() error {
	if machineEntry() { // the installer's entry starts the tray: drop a per-user duplicate
		return deleteUserValue()
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("opening HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	return k.SetStringValue(ID, `"`+e.Exec+`"`)
}

func (e Entry) disable() error { return deleteUserValue() }

func deleteUserValue() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.DeleteValue(ID); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("removing HKCU\\%s\\%s: %w", runKey, ID, err)
	}
	return nil
}

func (e Entry) enabled() (bool, error) {
	if machineEntry() {
		return true, nil
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(ID)
	return err == nil, nil
}

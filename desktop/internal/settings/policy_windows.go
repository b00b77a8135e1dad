package settings

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// policyKey holds enforced values; its Recommended subkey holds recommended ones (as Chrome and Zoom
// policies do). Values: HubURL (REG_SZ), StartAtLogin (REG_DWORD 0/1), Tenant (REG_SZ). The MSI
// (installers/windows) and the ADMX template write exactly these names.
const policyKey = `Software\Policies\PresenceHub`

// PolicyLocation says where IT policy is read from, for --print-config.
func PolicyLocation() string { return `HKLM\` + policyKey }

func readPolicy() (Policy, error) {
	enforced, err := readKey(policyKey)
	if err != nil {
		return Policy{}, err
	}
	recommended, err := readKey(policyKey + `\` + keyRecommended)
	if err != nil {
		return Policy{}, err
	}
	return Policy{Enforced: enforced, Recommended: recommended}, nil
}

func readKey(path string) (Values, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return Values{}, nil
	}
	if err != nil {
		return Values{}, fmt.Errorf("reading policy HKLM\\%s: %w", path, err)
	}
	defer k.Close()
	m := map[string]any{}
	for _, name := range []string{keyHubURL, keyTenant} {
		if s, _, err := k.GetStringValue(name); err == nil {
			m[name] = s
		}
	}
	if n, _, err := k.GetIntegerValue(keyStartAtLogin); err == nil {
		m[keyStartAtLogin] = n
	}
	return fromMap(m), nil
}

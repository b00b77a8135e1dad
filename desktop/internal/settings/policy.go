package settings

import (
	"encoding/json"
	"fmt"
	"strings"
)

// LoadPolicy reads IT's policy from the OS's managed-configuration place. No policy is not an error.
func LoadPolicy() (Policy, error) { return readPolicy() }

// ParsePolicyJSON parses the Linux policy file:
//
//	{"enforced": {"hub_url": "https://hub.example.com", "tenant": "01J…"}, "recommended": {"start_at_login": true}}
func ParsePolicyJSON(data []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("parsing policy: %w", err)
	}
	return p, nil
}

// Key names in the Windows registry and the macOS plist.
const (
	keyHubURL       = "HubURL"
	keyStartAtLogin = "StartAtLogin"
	keyTenant       = "Tenant"
	keyRecommended  = "Recommended"
)

// fromMap reads one layer from the key/value form of the registry and the plist (booleans may come
// as numbers, as registry DWORDs do).
func fromMap(m map[string]any) Values {
	var v Values
	if s, ok := m[keyHubURL].(string); ok && s != "" {
		v.HubURL = Ptr(s)
	}
	if s, ok := m[keyTenant].(string); ok && s != "" {
		v.Tenant = Ptr(s)
	}
	switch b := m[keyStartAtLogin].(type) {
	case bool:
		v.StartAtLogin = Ptr(b)
	case float64:
		v.StartAtLogin = Ptr(b != 0)
	case uint64:
		v.StartAtLogin = Ptr(b != 0)
	}
	return v
}

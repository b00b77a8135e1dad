// Package settings resolves the tray's settings from four layers, lowest first: built-in defaults,
// values IT recommends, the user's own preferences, and values IT enforces (which the user cannot
// change). IT policy comes from the OS's managed-configuration place: /etc/presence-hub/tray.json on
// Linux, HKLM\Software\Policies\PresenceHub in the Windows registry, the managed-preferences plist on
// macOS. The user's preferences are a small JSON file in the OS's user config directory; nothing
// secret is kept there (the device token lives in the keyring, see package secrets).
package settings

// Source says which layer a value came from.
type Source int

// Layers, lowest first.
const (
	Default Source = iota
	Recommended
	User
	Enforced
)

func (s Source) String() string {
	return [...]string{"default", "recommended by IT", "yours", "set by IT"}[s]
}

// MarshalText names the layer for machines (presence-tray --print-config): default, recommended, user
// or enforced.
func (s Source) MarshalText() ([]byte, error) {
	return []byte([...]string{"default", "recommended", "user", "enforced"}[s]), nil
}

// Value is a resolved setting and where it came from.
type Value[T any] struct {
	V      T
	Source Source
}

// Locked says whether IT enforces the value, so the user may not change it.
func (v Value[T]) Locked() bool { return v.Source == Enforced }

// Settings are the resolved settings.
type Settings struct {
	// HubURL is where the tray pairs and connects, prefilled in the sign-in window.
	HubURL Value[string]
	// StartAtLogin: an autostart entry starts the tray when the user logs in.
	StartAtLogin Value[bool]
	// Tenant, when set, is the only tenant (by id) this computer may sign in to: a pairing code of
	// another tenant is refused.
	Tenant Value[string]
}

// Values is one layer: nil fields are not set by it.
type Values struct {
	HubURL       *string `json:"hub_url,omitempty"`
	StartAtLogin *bool   `json:"start_at_login,omitempty"`
	Tenant       *string `json:"tenant,omitempty"`
}

// Policy is what IT configured.
type Policy struct {
	Enforced    Values `json:"enforced"`
	Recommended Values `json:"recommended"`
}

// Defaults of the settings.
const (
	DefaultHubURL       = ""
	DefaultStartAtLogin = true
)

// Resolve combines the layers.
func Resolve(p Policy, user Values) Settings {
	s := Settings{HubURL: Value[string]{V: DefaultHubURL}, StartAtLogin: Value[bool]{V: DefaultStartAtLogin}}
	for _, layer := range []struct {
		v   Values
		src Source
	}{{p.Recommended, Recommended}, {user, User}, {p.Enforced, Enforced}} {
		if layer.v.HubURL != nil && *layer.v.HubURL != "" {
			s.HubURL = Value[string]{*layer.v.HubURL, layer.src}
		}
		if layer.v.StartAtLogin != nil {
			s.StartAtLogin = Value[bool]{*layer.v.StartAtLogin, layer.src}
		}
		if layer.v.Tenant != nil && *layer.v.Tenant != "" {
			s.Tenant = Value[string]{*layer.v.Tenant, layer.src}
		}
	}
	return s
}

// Ptr returns a pointer to v, for building Values.
func Ptr[T any](v T) *T { return &v }

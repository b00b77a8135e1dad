package launch

import (
	"encoding/json"
	"fmt"
	"io"

	"presencehub.dev/desktop/internal/settings"
)

// printedValue is one resolved setting in --print-config's output.
type printedValue[T any] struct {
	Value T `json:"value"`
	// Source is default, recommended, user or enforced.
	Source settings.Source `json:"source"`
}

func printed[T any](v settings.Value[T]) printedValue[T] {
	return printedValue[T]{Value: v.V, Source: v.Source}
}

// place is where a layer was read from, and what went wrong reading it.
type place struct {
	Location string `json:"location"`
	Error    string `json:"error,omitempty"`
}

// effectiveConfig is what --print-config prints.
type effectiveConfig struct {
	Version     string `json:"version"`
	Policy      place  `json:"policy"`
	Preferences place  `json:"preferences"`
	Settings    struct {
		HubURL       printedValue[string] `json:"hub_url"`
		StartAtLogin printedValue[bool]   `json:"start_at_login"`
		Tenant       printedValue[string] `json:"tenant"`
	} `json:"settings"`
	// StartAtLoginEntry says whether a start-at-login entry (the user's own, or one a package or the
	// MSI installed for everyone) starts this program at login now.
	StartAtLoginEntry struct {
		Program string `json:"program"`
		Enabled bool   `json:"enabled"`
		Error   string `json:"error,omitempty"`
	} `json:"start_at_login_entry"`
}

// PrintConfig writes the effective settings, each with the layer it came from, as JSON to w, for IT
// checking a deployment (presence-tray --print-config). It reads the same places the tray does but
// needs no display, keyring or hub, and changes nothing. It returns the exit code: 1 when the policy
// or the preferences could not be read (the JSON says why), else 0.
func PrintConfig(w io.Writer, cfg Config) int {
	var out effectiveConfig
	out.Version = cfg.Version
	out.Policy.Location = settings.PolicyLocation()
	code := 0
	policy, err := settings.LoadPolicy()
	if err != nil {
		out.Policy.Error, code = err.Error(), 1
	}
	var user settings.Values
	if prefs, err := settings.UserPrefs(); err != nil {
		out.Preferences.Error, code = err.Error(), 1
	} else {
		out.Preferences.Location = prefs.Path
		if user, err = prefs.Load(); err != nil {
			out.Preferences.Error, code = err.Error(), 1
		}
	}
	if cfg.HubURL != "" {
		user.HubURL = settings.Ptr(cfg.HubURL)
	}
	s := settings.Resolve(policy, user)
	out.Settings.HubURL = printed(s.HubURL)
	out.Settings.StartAtLogin = printed(s.StartAtLogin)
	out.Settings.Tenant = printed(s.Tenant)
	e := entry()
	out.StartAtLoginEntry.Program = e.Exec
	if out.StartAtLoginEntry.Enabled, err = e.Enabled(); err != nil {
		out.StartAtLoginEntry.Error = err.Error()
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fmt.Fprintln(w, "presence-tray: printing the settings:", err)
		return 1
	}
	if _, err := fmt.Fprintf(w, "%s\n", data); err != nil {
		return 1
	}
	return code
}

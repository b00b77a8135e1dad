package agentsync

import (
	"fmt"
	"strconv"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Connection settings of agent sync.
const (
	// SettingInterval is how often a connection's agents are synced on schedule: a Go duration of at
	// least MinInterval ("24h", "6h30m"), or "off". Unset: the hub's default (daily).
	SettingInterval = "agent_sync_interval"
	// SettingCreateMissing ("true" or "false", default false) creates an agent for each vendor user whose
	// email no agent has.
	SettingCreateMissing = "agent_sync_create_missing"
)

// MinInterval is the shortest schedule a connection may ask for.
const MinInterval = 5 * time.Minute

// Settings are a connection's agent sync settings.
type Settings struct {
	// Interval between scheduled runs; 0: no scheduled runs.
	Interval      time.Duration
	CreateMissing bool
}

// ParseSettings reads a connection's agent sync settings over the defaults. Errors name the setting.
func ParseSettings(settings map[string]string, defaultInterval time.Duration) (Settings, map[string]string) {
	out := Settings{Interval: defaultInterval}
	bad := map[string]string{}
	if v, ok := settings[SettingInterval]; ok {
		d, err := parseInterval(v)
		if err != nil {
			bad[SettingInterval] = err.Error()
		} else {
			out.Interval = d
		}
	}
	if v, ok := settings[SettingCreateMissing]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			bad[SettingCreateMissing] = `must be "true" or "false"`
		} else {
			out.CreateMissing = b
		}
	}
	return out, bad
}

func parseInterval(v string) (time.Duration, error) {
	if v == "off" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < MinInterval {
		return 0, fmt.Errorf(`must be "off" or a duration of at least %s, like "24h"`, MinInterval)
	}
	return d, nil
}

// settingsOf reads c's settings, falling back to the defaults for bad values (the API refuses them on
// save, so they only come from older data).
func settingsOf(c *model.Connection, defaultInterval time.Duration) Settings {
	s, _ := ParseSettings(c.Settings, defaultInterval)
	return s
}

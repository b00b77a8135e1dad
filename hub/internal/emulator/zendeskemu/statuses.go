package zendeskemu

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The default unified statuses' fixed ids.
const (
	statusOffline       = 2
	statusOnline        = 3
	statusAway          = 4
	statusTransfersOnly = 5
)

// channelNames are the per-channel states a unified status implies, in webhook order.
var channelNames = []string{"messaging", "support", "talk"}

// status is a unified agent status.
type status struct {
	id          int64
	name        string
	description string
	custom      bool
	channels    map[string]string
	updated     time.Time
}

// defaultStatuses are the four defaults and two custom statuses (123 "In a meeting", 124 "On a break").
func defaultStatuses() []*status {
	all := func(s string) map[string]string { return map[string]string{"messaging": s, "support": s, "talk": s} }
	created := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	return []*status{
		{id: statusOffline, name: "offline", description: "Can't receive work", channels: all("offline")},
		{id: statusOnline, name: "online", description: "Can receive work", channels: all("online")},
		{id: statusAway, name: "away", description: "Temporarily unavailable", channels: all("away")},
		{id: statusTransfersOnly, name: "transfers_only", description: "Can receive transferred calls only", channels: all("transfers_only")},
		{id: 123, name: "In a meeting", description: "Busy in a meeting", custom: true, updated: created,
			channels: map[string]string{"messaging": "away", "support": "online", "talk": "away"}},
		{id: 124, name: "On a break", description: "Back soon", custom: true, updated: created, channels: all("away")},
	}
}

// vocab is the status's id in the adapter's vocabulary.
func (s *status) vocab() string {
	if s.custom {
		return "custom:" + strconv.FormatInt(s.id, 10)
	}
	return s.name
}

// statusByID finds a unified status; e.mu must be held.
func (e *Emulator) statusByID(id int64) *status {
	for _, s := range e.statuses {
		if s.id == id {
			return s
		}
	}
	return nil
}

// statusByVocab finds a unified status by its vocabulary id; e.mu must be held.
func (e *Emulator) statusByVocab(v string) *status {
	if n, ok := strings.CutPrefix(v, "custom:"); ok {
		id, err := strconv.ParseInt(n, 10, 64)
		if s := e.statusByID(id); err == nil && s != nil && s.custom {
			return s
		}
		return nil
	}
	for _, s := range e.statuses {
		if !s.custom && s.name == v {
			return s
		}
	}
	return nil
}

// refuseWithoutRouting answers 422 for the unified-status APIs of a TalkOnly account.
func (e *Emulator) refuseWithoutRouting(w http.ResponseWriter) bool {
	if e.opts.TalkOnly {
		writeError(w, http.StatusUnprocessableEntity, "OmnichannelRoutingDisabled",
			"Unified agent statuses require omnichannel routing")
		return true
	}
	return false
}

// listStatuses answers {"default":[...],"custom":[...],"links":...,"meta":...} in one page.
func (e *Emulator) listStatuses(w http.ResponseWriter, _ *http.Request) {
	if e.refuseWithoutRouting(w) {
		return
	}
	e.mu.Lock()
	defaults, custom := []any{}, []any{}
	for _, s := range e.statuses {
		attrs := map[string]any{"name": s.name, "description": s.description}
		if !s.custom {
			defaults = append(defaults, map[string]any{"id": s.id, "type": "agent_status", "attributes": attrs})
			continue
		}
		attrs["channels"] = s.channels
		custom = append(custom, map[string]any{"id": s.id, "type": "agent_status",
			"updated_at": s.updated.Format(statusTime), "attributes": attrs})
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"default": defaults, "custom": custom,
		"links": map[string]any{"next": nil, "prev": nil},
		"meta":  map[string]any{"has_more": false, "after_cursor": nil, "before_cursor": nil}})
}

package bus

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"presencehub.dev/hub/internal/model"
)

// wireEvent is an Event between replicas: small JSON with one-letter keys, empty fields left out.
type wireEvent struct {
	Origin       string        `json:"o"`
	Kind         string        `json:"k"`
	TenantID     string        `json:"t,omitempty"`
	AgentID      string        `json:"a,omitempty"`
	TeamIDs      []string      `json:"g,omitempty"`
	DeviceID     string        `json:"d,omitempty"`
	Presence     *wirePresence `json:"p,omitempty"`
	Blocked      string        `json:"b,omitempty"`
	Unlinked     bool          `json:"l,omitempty"`
	Writes       int           `json:"w,omitempty"`
	ConnectionID string        `json:"c,omitempty"`
	ExternalID   string        `json:"x,omitempty"`
	VendorState  string        `json:"s,omitempty"`
	Answered     int64         `json:"n,omitempty"` // Unix microseconds
	TimedOut     bool          `json:"y,omitempty"`
}

// wirePresence is a model.Presence; its tenant and agent are the event's.
type wirePresence struct {
	Status         string `json:"s"`
	Version        int64  `json:"v"`
	Source         string `json:"o,omitempty"`
	SourceID       string `json:"i,omitempty"`
	Reason         string `json:"r,omitempty"`
	PreviousStatus string `json:"p,omitempty"`
	HeldStatus     string `json:"h,omitempty"`
	QueuedStatus   string `json:"q,omitempty"`
	UpdateTime     int64  `json:"u,omitempty"` // Unix microseconds
}

// encode renders e as published by origin.
func encode(origin string, e Event) ([]byte, error) {
	w := wireEvent{Origin: origin, Kind: e.Kind, TenantID: e.TenantID, AgentID: e.AgentID, TeamIDs: e.TeamIDs, DeviceID: e.DeviceID,
		Blocked: e.Blocked, Unlinked: e.Unlinked, Writes: e.Writes, ConnectionID: e.ConnectionID, ExternalID: e.ExternalID, VendorState: e.VendorState, TimedOut: e.TimedOut}
	if !e.Answered.IsZero() {
		w.Answered = e.Answered.UnixMicro()
	}
	if p := e.Presence; p != nil {
		w.Presence = &wirePresence{Status: p.Status, Version: p.Version, Source: p.Source, SourceID: p.SourceID, Reason: p.Reason,
			PreviousStatus: p.PreviousStatus, HeldStatus: p.HeldStatus, QueuedStatus: p.QueuedStatus}
		if !p.UpdateTime.IsZero() {
			w.Presence.UpdateTime = p.UpdateTime.UnixMicro()
		}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("encoding %s event: %w", e.Kind, err)
	}
	return b, nil
}

// decode reads an event and the replica that published it.
func decode(data []byte) (Event, string, error) {
	var w wireEvent
	if err := json.Unmarshal(data, &w); err != nil {
		return Event{}, "", fmt.Errorf("decoding event: %w", err)
	}
	if w.Kind == "" || w.Origin == "" {
		return Event{}, "", fmt.Errorf("decoding event: no kind or origin in %.80q", data)
	}
	e := Event{Kind: w.Kind, TenantID: w.TenantID, AgentID: w.AgentID, TeamIDs: w.TeamIDs, DeviceID: w.DeviceID, Blocked: w.Blocked, Unlinked: w.Unlinked,
		Writes: w.Writes, ConnectionID: w.ConnectionID, ExternalID: w.ExternalID, VendorState: w.VendorState, TimedOut: w.TimedOut, Remote: true}
	if w.Answered != 0 {
		e.Answered = time.UnixMicro(w.Answered).UTC()
	}
	if p := w.Presence; p != nil {
		e.Presence = &model.Presence{TenantID: w.TenantID, AgentID: w.AgentID, Status: p.Status, Version: p.Version, Source: p.Source,
			SourceID: p.SourceID, Reason: p.Reason, PreviousStatus: p.PreviousStatus, HeldStatus: p.HeldStatus, QueuedStatus: p.QueuedStatus}
		if p.UpdateTime != 0 {
			e.Presence.UpdateTime = time.UnixMicro(p.UpdateTime).UTC()
		}
	}
	return e, w.Origin, nil
}

// subject is where an event goes: <prefix>.t.<tenant>.<kind>, or <prefix>.hub.<kind> for events of no
// tenant (or a tenant id that is not a valid subject token).
func subject(prefix string, e Event) string {
	if e.TenantID != "" && token(e.TenantID) {
		return prefix + ".t." + e.TenantID + "." + e.Kind
	}
	return prefix + ".hub." + e.Kind
}

// token reports whether s can be one token of a NATS subject.
func token(s string) bool {
	return !strings.ContainsAny(s, ". *>\t\r\n")
}

// Package model is the tray's pure state: what the hub told it, what the agent asked for, and what the
// tray shows for it (menu items, icon kind, labels, tooltip, notices). Nothing here does I/O or
// imports fyne; every function takes the state (and the time) and returns new values, so the whole
// behaviour is covered by table tests.
package model

import "time"

// Conn is the tray's connection state.
type Conn int

// Connection states.
const (
	// SignedOut: no device token; the sign-in window is the next step.
	SignedOut Conn = iota
	// Connecting: dialing the hub or waiting for its snapshot (first time or after a drop).
	Connecting
	// Connected: the snapshot arrived and changes flow live.
	Connected
	// Disconnected: the connection dropped; a reconnect follows. What is shown may be stale.
	Disconnected
	// SignInRequired: the hub refused the token (revoked or unknown); the agent must pair again.
	SignInRequired
)

func (c Conn) String() string {
	switch c {
	case SignedOut:
		return "signed out"
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case SignInRequired:
		return "sign-in required"
	default:
		return "unknown"
	}
}

// Status kinds, as in the hub's catalog.
const (
	KindAvailable = "available"
	KindBusy      = "busy"
	KindAway      = "away"
	KindOffline   = "offline"
	KindSystem    = "system"
)

// Presence sources, as the hub reports them.
const (
	SourceDevice     = "device"
	SourceAdmin      = "admin"
	SourceConnection = "connection"
	SourceSystem     = "system"
)

// Status is one status the agent may pick.
type Status struct {
	Name, Display, Kind, Color string
}

// Vendor is what one connected system shows for the agent.
type Vendor struct {
	ID, Name, Vendor string
	// Sync is "confirmed", "pending", "error", "not_synced" or "unknown".
	Sync, State, Detail string
	// StateName is the vendor's own name for State, when the hub knows it.
	StateName string
}

// Presence is the agent's current status as the hub last reported it.
type Presence struct {
	Status, Kind     string
	Version          int64
	Source, SourceID string
	Reason, Previous string
	// Queued is the status the agent asked for during a system state, applied when it ends.
	Queued string
	Since  time.Time
	// Blocked is why changes are held or refused right now (a system state is on), or "".
	Blocked string
}

// Pending is a change the agent asked for that the hub has not answered yet.
type Pending struct {
	Status string
	// BaseVersion is the presence version the agent saw when asking: if the hub's version has moved
	// on by the time the change can be sent (it was made while disconnected), the hub wins.
	BaseVersion int64
	// Sent: handed to the stream (waiting for the hub's answer). Not sent: waiting for a connection.
	Sent bool
}

// Entry is one line of the recent timeline ("why is my status this?").
type Entry struct {
	Time             time.Time
	Status, Previous string
	Queued           string
	Source, SourceID string
	Reason           string
	Version          int64
}

// maxTimeline is how many timeline entries the state keeps.
const maxTimeline = 20

// State is everything the tray shows. The zero value is a signed-out tray.
type State struct {
	Conn    Conn
	ConnErr string // why the connection dropped, for Disconnected and SignInRequired
	HubURL  string

	DeviceID, AgentID, TenantID string

	// Have is true once a snapshot arrived: Presence, Statuses and Vendors are meaningful.
	Have     bool
	Presence Presence
	Statuses []Status
	Vendors  []Vendor

	Pending *Pending
	// Refused is the hub's reason for refusing the last change during the current system state
	// ("changes wait until it ends"): status items are disabled with it until the presence changes.
	Refused string

	// Timeline holds the recent changes, newest first.
	Timeline []Entry

	// Overtaken says that a change the agent made while offline was not applied because the hub's
	// state moved on meanwhile (the same words as the notice), until the agent picks a status again.
	Overtaken string
}

// SignedIn says whether the tray holds a device token.
func (s State) SignedIn() bool { return s.Conn != SignedOut && s.Conn != SignInRequired }

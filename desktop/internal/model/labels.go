package model

import (
	"strings"
	"time"
)

// Display is the name people see for a status: the catalog's display name when the agent may pick
// it, the part of the hub's blocked reason naming the current system state ("On a call — …"), or the
// status name made readable ("after-call-work" → "After call work").
func (s State) Display(name string) string {
	for _, st := range s.Statuses {
		if st.Name == name && st.Display != "" {
			return st.Display
		}
	}
	if name == s.Presence.Status && s.Presence.Blocked != "" {
		if head, _, ok := strings.Cut(s.Presence.Blocked, " — "); ok && head != "" {
			return head
		}
	}
	return humanize(name)
}

func humanize(name string) string {
	if name == "" {
		return "Unknown"
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	out := strings.Join(words, " ")
	return strings.ToUpper(out[:1]) + out[1:]
}

// sourceLabel says who made a change, for people.
func (s State) sourceLabel(source, id string) string {
	switch source {
	case SourceDevice:
		if id == s.DeviceID && id != "" {
			return "you, on this computer"
		}
		return "you, on another device"
	case SourceAdmin:
		return "an admin"
	case SourceConnection:
		for _, v := range s.Vendors {
			if v.ID == id {
				return vendorName(v)
			}
		}
		return "a connected system"
	case SourceSystem:
		return "Presence Hub"
	default:
		return "the hub"
	}
}

// Since formats when a status began, relative to now: "since 14:05" today, "since Mon 14:05" this
// week, "since 2 Jan 14:05" before that (in now's location).
func Since(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return "since " + t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour:
		return "since " + t.Format("Mon 15:04")
	default:
		return "since " + t.Format("2 Jan 15:04")
	}
}

// Headline is the current status in words: "Lunch", "Lunch — changing to Busy…".
func (s State) Headline() string {
	switch {
	case s.Conn == SignedOut:
		return "Signed out"
	case s.Conn == SignInRequired:
		return "Sign-in needed"
	case !s.Have:
		return "Connecting…"
	}
	h := s.Display(s.Presence.Status)
	if p := s.Pending; p != nil {
		if p.Sent {
			h += " → " + s.Display(p.Status) + " (sending…)"
		} else {
			h += " → " + s.Display(p.Status) + " (pending: sent when back online)"
		}
	}
	return h
}

// ConnLabel describes the connection: "Connected to hub.example.com", "Reconnecting… (reason)".
func (s State) ConnLabel() string {
	host := s.HubURL
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = strings.TrimRight(rest, "/")
	}
	switch s.Conn {
	case SignedOut:
		return "Not signed in"
	case SignInRequired:
		return "Signed out by the hub: sign in again"
	case Connected:
		return "Connected to " + host
	case Connecting:
		if s.Have {
			return "Reconnecting to " + host + "…"
		}
		return "Connecting to " + host + "…"
	default:
		if s.ConnErr != "" {
			return "Disconnected: " + s.ConnErr + " (retrying)"
		}
		return "Disconnected (retrying)"
	}
}

// vendorNames are the vendors' own spellings, for connections named after their vendor.
var vendorNames = map[string]string{
	"aircall": "Aircall", "zendesk": "Zendesk", "salesforce": "Salesforce", "cxone": "NICE CXone",
	"talkdesk": "Talkdesk", "servicenow": "ServiceNow", "http": "HTTP", "teams": "Microsoft Teams", "genesys": "Genesys Cloud",
}

// vendorName is a connection's name, or its vendor's spelling when it is named after the vendor.
func vendorName(v Vendor) string {
	if v.Name != "" && v.Name != v.Vendor {
		return v.Name
	}
	if n, ok := vendorNames[v.Vendor]; ok {
		return n
	}
	return humanize(v.Vendor)
}

// VendorLine describes one connected system in plain words, with the vendor's own name for its state
// where the hub sent it: "Aircall: Available — in sync", "Talkdesk — waiting: the agent is On a Call
// in Talkdesk…", "Zendesk: Away — not synced for this status", "Zendesk — not synced yet". One
// wording for "the system has the agent's status": in sync.
func VendorLine(v Vendor) string {
	name := vendorName(v)
	if st := VendorStateName(v); st != "" && v.Sync != "pending" {
		name += ": " + st
	}
	switch v.Sync {
	case "confirmed":
		return name + " — in sync"
	case "pending":
		if v.Detail != "" {
			return name + " — " + v.Detail
		}
		if st := VendorStateName(v); st != "" {
			return name + " — updating to " + st + "…"
		}
		return name + " — updating…"
	case "error":
		if v.Detail != "" {
			return name + " — update failed: " + v.Detail
		}
		return name + " — update failed"
	case "not_synced":
		return name + " — not synced for this status"
	default:
		return name + " — not synced yet"
	}
}

// VendorStateName is the vendor's name for the state it shows: the name the hub sent, or the state's
// code made readable ("On_Break" → "On Break", "unavailable" → "Unavailable"); "" when none is known.
func VendorStateName(v Vendor) string {
	switch {
	case v.StateName != "" && v.StateName != v.State:
		return v.StateName
	case v.State == "":
		return ""
	}
	words := strings.FieldsFunc(v.State, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// SyncKind is a connected system's sync state in four kinds, one icon each.
type SyncKind int

// Sync kinds. The zero value is none of them (a menu item without a sync icon).
const (
	_ SyncKind = iota
	// SyncNone: nothing was written there for this status (not synced for it, or not yet).
	SyncNone
	// SyncOK: the system has the agent's current status.
	SyncOK
	// SyncPending: a write is on its way or waiting.
	SyncPending
	// SyncError: the write failed.
	SyncError
)

// SyncKinds lists every kind, for drawing and testing them all.
var SyncKinds = []SyncKind{SyncNone, SyncOK, SyncPending, SyncError}

func (k SyncKind) String() string {
	return [...]string{"", "not-synced", "in-sync", "pending", "error"}[k]
}

// VendorSync is the kind of a connected system's sync state.
func VendorSync(v Vendor) SyncKind {
	switch v.Sync {
	case "confirmed":
		return SyncOK
	case "pending":
		return SyncPending
	case "error":
		return SyncError
	default:
		return SyncNone
	}
}

// EntryLine describes one timeline entry: "14:05 Lunch ← Available, by an admin: covering".
func (s State) EntryLine(e Entry, now time.Time) string {
	when := e.Time.In(now.Location()).Format("15:04")
	l := when + "  " + s.Display(e.Status)
	if e.Previous != "" && e.Previous != e.Status {
		l += " ← " + s.Display(e.Previous)
	}
	if e.Queued != "" {
		l += " (then " + s.Display(e.Queued) + ")"
	}
	l += ", by " + s.sourceLabel(e.Source, e.SourceID)
	if e.Reason != "" {
		l += ": " + e.Reason
	}
	return l
}

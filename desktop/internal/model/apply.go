package model

import (
	"slices"
	"time"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// WithConn records a connection state change (not Connected: that comes with a snapshot). errText
// says why a connection dropped.
func (s State) WithConn(c Conn, errText string) (State, []Notice) {
	prev := s.Conn
	s.Conn, s.ConnErr = c, errText
	var notes []Notice
	if c == SignInRequired && prev != SignInRequired {
		notes = append(notes, Notice{Kind: NoticeSignIn, Title: "Sign in to Presence Hub again",
			Body: "This computer was signed out of Presence Hub. Open the tray menu and sign in with a new pairing code."})
		s.Pending = nil
	}
	if c == SignedOut {
		hub := s.HubURL
		s = State{HubURL: hub}
	}
	return s, notes
}

// WithSnapshot replaces what the hub said about the agent with a snapshot, the first message of every
// connection. It returns the notices to show and, when a change made while disconnected can now be
// sent (the hub's state did not move on meanwhile), the status to send.
func (s State) WithSnapshot(snap *phv1.Snapshot, now time.Time) (State, []Notice, string) {
	had, before := s.Have, s.Presence
	s.Conn, s.ConnErr = Connected, ""
	s.DeviceID, s.AgentID, s.TenantID = snap.GetDeviceId(), snap.GetAgentId(), snap.GetTenantId()
	s.Statuses = s.Statuses[:0:0]
	for _, st := range snap.GetSettableStatuses() {
		s.Statuses = append(s.Statuses, Status{Name: st.GetName(), Display: st.GetDisplayName(), Kind: st.GetKind(), Color: st.GetColor()})
	}
	s.Vendors = vendorsFrom(snap.GetVendors())
	s.Have = true
	s.Presence = presenceFrom(snap.GetPresence(), snap.GetBlockedReason(), now)

	var notes []Notice
	changed := !had || s.Presence.Version != before.Version
	if changed {
		s = s.withEntry(now)
		s.Refused = ""
	}
	if had && s.Presence.Version > before.Version && s.Presence.Status != before.Status && !s.byThisDevice(s.Presence) {
		notes = append(notes, s.changedNotice())
	}
	send := ""
	if p := s.Pending; p != nil && !p.Sent {
		switch {
		case p.Status == s.Presence.Status && s.Presence.Queued == "":
			s.Pending = nil // already there
		case s.Presence.Version == p.BaseVersion:
			s.Pending = &Pending{Status: p.Status, BaseVersion: p.BaseVersion, Sent: true}
			send = p.Status
		default:
			n := Notice{Kind: NoticeHubWon, Title: "Your status change was not sent",
				Body: "While this computer was offline your status became " + s.Display(s.Presence.Status) +
					" (" + s.sourceLabel(s.Presence.Source, s.Presence.SourceID) + "), so " + s.Display(p.Status) +
					" was not applied. Pick it again if you still want it."}
			notes = append(notes, n)
			s.Pending, s.Overtaken = nil, n.Body
		}
	}
	return s, notes, send
}

// WithEvent applies a change of the agent's presence. Events about team members (supervisors) and
// events older than what is shown are ignored.
func (s State) WithEvent(ev *phv1.PresenceEvent, now time.Time) (State, []Notice) {
	p := ev.GetPresence()
	if ev.GetTeamId() != "" || p == nil || !s.Have || p.GetVersion() <= s.Presence.Version {
		return s, nil
	}
	before := s.Presence
	s.Presence = presenceFrom(p, ev.GetBlockedReason(), now)
	s = s.withEntry(now)
	s.Refused = ""
	if pd := s.Pending; pd != nil && pd.Sent && pd.Status == s.Presence.Status {
		s.Pending = nil // the answer may still come; the change is visible already
	}
	var notes []Notice
	if s.Presence.Status != before.Status && !s.byThisDevice(s.Presence) {
		notes = append(notes, s.changedNotice())
	}
	return s, notes
}

// Request records that the agent picked a status. It returns whether to send it now (connected), or
// an error text when it cannot be asked for at all. While disconnected the change stays pending and is
// sent after the next snapshot, unless the hub's state moved on meanwhile.
func (s State) Request(status string) (State, bool, string) {
	switch {
	case !s.SignedIn():
		return s, false, "Sign in first."
	case !s.Have:
		return s, false, "Not connected to the hub yet."
	case s.Refused != "":
		return s, false, s.Refused
	case !slices.ContainsFunc(s.Statuses, func(st Status) bool { return st.Name == status }):
		return s, false, s.Display(status) + " is not a status you can pick."
	}
	if status == s.Presence.Status && s.Presence.Queued == "" && s.Pending == nil {
		return s, false, ""
	}
	send := s.Conn == Connected
	s.Overtaken = ""
	s.Pending = &Pending{Status: status, BaseVersion: s.Presence.Version, Sent: send}
	return s, send, ""
}

// WithAnswer records the hub's answer to a change this tray sent: outcome is the Ack's ("applied",
// "unchanged", "queued", "coalesced"), or empty when it failed with code and reason (a refusal), or
// with lost set when the connection dropped before any answer (the change waits for the next one).
func (s State) WithAnswer(status string, a Answer) (State, []Notice) {
	p := s.Pending
	if p == nil || p.Status != status {
		return s, nil
	}
	switch {
	case a.Lost:
		s.Pending = &Pending{Status: status, BaseVersion: p.BaseVersion}
		return s, nil
	case a.Code != "":
		s.Pending = nil
		if a.Code == "blocked" {
			s.Refused = a.Reason
		}
		body := a.Reason
		if body == "" {
			body = "The hub refused the change (" + a.Code + ")."
		}
		return s, []Notice{{Kind: NoticeRefused, Title: s.Display(status) + " was not applied", Body: body}}
	}
	s.Pending = nil
	return s, nil
}

// Answer is the hub's answer to one change; see WithAnswer.
type Answer struct {
	Outcome, Code, Reason string
	Lost                  bool
}

func presenceFrom(p *phv1.Presence, blocked string, now time.Time) Presence {
	since := now
	if t := p.GetUpdateTime(); t.IsValid() {
		since = t.AsTime()
	}
	return Presence{
		Status: p.GetStatus(), Kind: p.GetKind(), Version: p.GetVersion(),
		Source: p.GetSource(), SourceID: p.GetSourceId(), Reason: p.GetReason(),
		Previous: p.GetPreviousStatus(), Queued: p.GetQueuedStatus(), Since: since, Blocked: blocked,
	}
}

// withEntry puts the current presence at the top of the timeline.
func (s State) withEntry(now time.Time) State {
	p := s.Presence
	if len(s.Timeline) > 0 && s.Timeline[0].Version == p.Version {
		return s
	}
	e := Entry{Time: p.Since, Status: p.Status, Previous: p.Previous, Queued: p.Queued,
		Source: p.Source, SourceID: p.SourceID, Reason: p.Reason, Version: p.Version}
	if e.Time.IsZero() {
		e.Time = now
	}
	tl := make([]Entry, 0, min(len(s.Timeline)+1, maxTimeline))
	tl = append(tl, e)
	tl = append(tl, s.Timeline[:min(len(s.Timeline), maxTimeline-1)]...)
	s.Timeline = tl
	return s
}

func (s State) byThisDevice(p Presence) bool {
	return p.Source == SourceDevice && p.SourceID == s.DeviceID && s.DeviceID != ""
}

func (s State) changedNotice() Notice {
	p := s.Presence
	body := "Changed by " + s.sourceLabel(p.Source, p.SourceID)
	if p.Reason != "" {
		body += ": " + p.Reason
	}
	return Notice{Kind: NoticeChanged, Title: "Your status is now " + s.Display(p.Status), Body: body + "."}
}

// WithVendors replaces what each connected system shows for the agent: the hub reports that a write was
// queued, confirmed, held or failed.
func (s State) WithVendors(u *phv1.VendorUpdate) State {
	if !s.Have {
		return s
	}
	s.Vendors = vendorsFrom(u.GetVendors())
	return s
}

func vendorsFrom(list []*phv1.VendorState) []Vendor {
	out := make([]Vendor, 0, len(list))
	for _, v := range list {
		out = append(out, Vendor{ID: v.GetConnectionId(), Name: v.GetConnectionName(), Vendor: v.GetVendor(),
			Sync: v.GetSync(), State: v.GetVendorState(), Detail: v.GetDetail(), StateName: v.GetVendorStateName()})
	}
	return out
}

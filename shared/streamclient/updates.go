package streamclient

import (
	"sync"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// State is the state of the stream connection.
type State int

// Connection states, reported by every Update.
const (
	// Connecting: dialing the hub, or waiting for its snapshot.
	Connecting State = iota + 1
	// Connected: the hub sent its snapshot; updates flow.
	Connected
	// Disconnected: the connection dropped (Update.Err says why) and a reconnect follows after a backoff
	// delay, or Run returned because its context ended (Err nil). Show the last known state as stale.
	Disconnected
	// SignInRequired: the hub refused the token or revoked the device; Run has returned
	// ErrSignInRequired and will not reconnect.
	SignInRequired
)

func (s State) String() string {
	switch s {
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

// Update is what changed since the previous Update. State is always set: it is the connection state
// as of this update. Apply the rest in field order: Snapshot, then TeamSnapshots, then Events, then
// Vendors.
//
// Updates are coalesced when the consumer falls behind (see Client.Updates), so one Update may carry a
// snapshot, team snapshots and events together, and states it went through may be skipped. Applying
// every Update in order always yields the hub's current state.
type Update struct {
	State State
	// Err is why the connection dropped, for Disconnected and SignInRequired; for Connecting, why the
	// previous attempt failed (nil on the first attempt).
	Err error
	// Snapshot replaces everything known about the client's own agent (its presence, settable statuses,
	// vendor states, blocked reason). Every new connection starts with one.
	Snapshot *phv1.Snapshot
	// TeamSnapshots each replace everything known about one team (at most one per team).
	TeamSnapshots []*phv1.TeamSnapshot
	// Events are changes, oldest first. An event with an empty TeamId is about the client's own agent;
	// one with a TeamId is about a member of that subscribed team.
	Events []*phv1.PresenceEvent
	// Vendors, when set, replaces the own agent's vendor states (the Snapshot's Vendors): a write to a
	// connected system was queued, confirmed, held or failed.
	Vendors *phv1.VendorUpdate

	// compacted is len(Events) after the last compactEvents, so that a state with more agents than
	// maxPendingEvents is not compacted again on every merge.
	compacted int
}

// maxPendingEvents is how many events an undelivered Update may hold before it keeps only the latest
// event per (team, agent): beyond that, the consumer is so far behind that a per-event log is moot.
const maxPendingEvents = 4096

// merge returns the single Update equivalent to applying old and then u. Neither has been delivered.
func merge(old, u Update) Update {
	out := old
	out.State, out.Err = u.State, u.Err
	if u.Snapshot != nil {
		// The snapshot supersedes the own agent's earlier events; team views are not in it.
		out.Snapshot = u.Snapshot
		out.Vendors = nil
		out.Events = dropEvents(out.Events, func(e *phv1.PresenceEvent) bool { return e.GetTeamId() == "" })
	}
	for _, ts := range u.TeamSnapshots {
		out.Events = dropEvents(out.Events, func(e *phv1.PresenceEvent) bool { return e.GetTeamId() == ts.GetTeamId() })
		out.TeamSnapshots = dropTeam(out.TeamSnapshots, ts.GetTeamId())
		out.TeamSnapshots = append(out.TeamSnapshots, ts)
	}
	if len(u.Events) > 0 {
		out.Events = append(out.Events, u.Events...)
		if len(out.Events) > max(maxPendingEvents, 2*out.compacted) {
			out.Events = compactEvents(out.Events)
			out.compacted = len(out.Events)
		}
	}
	if u.Vendors != nil {
		out.Vendors = u.Vendors
	}
	return out
}

// dropEvents returns the events for which drop is false, reusing the slice (which nobody else holds).
func dropEvents(events []*phv1.PresenceEvent, drop func(*phv1.PresenceEvent) bool) []*phv1.PresenceEvent {
	kept := events[:0]
	for _, e := range events {
		if !drop(e) {
			kept = append(kept, e)
		}
	}
	clear(events[len(kept):])
	if len(kept) == 0 {
		return nil
	}
	return kept
}

func dropTeam(snaps []*phv1.TeamSnapshot, teamID string) []*phv1.TeamSnapshot {
	kept := snaps[:0]
	for _, s := range snaps {
		if s.GetTeamId() != teamID {
			kept = append(kept, s)
		}
	}
	clear(snaps[len(kept):])
	return kept
}

// compactEvents keeps only the last event per (team, agent), in the order of those last events.
func compactEvents(events []*phv1.PresenceEvent) []*phv1.PresenceEvent {
	type key struct{ team, agent string }
	last := make(map[key]int, len(events))
	for i, e := range events {
		last[key{e.GetTeamId(), e.GetPresence().GetAgentId()}] = i
	}
	kept := events[:0]
	for i, e := range events {
		if last[key{e.GetTeamId(), e.GetPresence().GetAgentId()}] == i {
			kept = append(kept, e)
		}
	}
	clear(events[len(kept):])
	return kept
}

// publisher hands Updates to the consumer through a channel of capacity one and never blocks: when the
// consumer has not taken the previous Update yet, it takes that Update back and merges the new one
// into it. Memory stays bounded by the size of the state (one snapshot, one snapshot per team, and at
// most maxPendingEvents or one event per agent).
type publisher struct {
	mu     sync.Mutex // serializes senders: the take-back below relies on being the only one
	ch     chan Update
	closed bool
}

func newPublisher() *publisher { return &publisher{ch: make(chan Update, 1)} }

func (p *publisher) publish(u Update) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	select {
	case p.ch <- u:
		return
	default:
	}
	select {
	case old := <-p.ch:
		u = merge(old, u)
	default: // the consumer took it meanwhile
	}
	p.ch <- u // cannot block: the buffer is empty and no one else sends
}

// close closes the channel; an Update still in it stays readable.
func (p *publisher) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.ch)
	}
}

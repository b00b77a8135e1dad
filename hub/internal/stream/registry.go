package stream

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/protoconv"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// registry finds the connections an event goes to: an agent's own devices, and supervisors of the
// agent's teams. Each key has a handful of connections at most, so they are kept in slices, which
// cost far less per idle connection than a set per key.
type registry struct {
	mu       sync.RWMutex
	byAgent  map[string][]*conn
	byTeam   map[string][]*conn
	byDevice map[string][]*conn
}

func newRegistry() *registry {
	return &registry{byAgent: map[string][]*conn{}, byTeam: map[string][]*conn{}, byDevice: map[string][]*conn{}}
}

func add(m map[string][]*conn, key string, c *conn) {
	if !slices.Contains(m[key], c) {
		m[key] = append(m[key], c)
	}
}

func remove(m map[string][]*conn, key string, c *conn) {
	if rest := slices.DeleteFunc(m[key], func(x *conn) bool { return x == c }); len(rest) > 0 {
		m[key] = rest
	} else {
		delete(m, key)
	}
}

func (r *registry) register(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.who.device() {
		add(r.byAgent, c.who.agentID, c)
		add(r.byDevice, c.who.deviceID, c)
	}
}

func (r *registry) subscribeTeam(c *conn, teamID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	add(r.byTeam, teamID, c)
	c.teams = append(c.teams, teamID)
}

func (r *registry) unregister(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.who.device() {
		remove(r.byAgent, c.who.agentID, c)
		remove(r.byDevice, c.who.deviceID, c)
	}
	for _, t := range c.teams {
		remove(r.byTeam, t, c)
	}
}

// dispatch runs on the publisher's goroutine: it encodes an event once and queues it, without
// blocking, on every interested connection.
func (s *Server) dispatch(ev bus.Event) {
	switch ev.Kind {
	case bus.KindDeviceRevoked:
		s.devices.dropTenant(ev.TenantID, ev.DeviceID)
		s.reg.mu.RLock()
		conns := slices.Clone(s.reg.byDevice[ev.DeviceID])
		s.reg.mu.RUnlock()
		for _, c := range conns {
			c.closeWith(StatusSignInRequired, "this device was signed out: pair it again")
		}
	case bus.KindWrite:
		s.refreshVendors(ev.TenantID, ev.AgentID)
	case bus.KindAgentChanged, bus.KindTenantChanged:
		// A deleted agent or tenant takes its devices with it.
		s.devices.dropTenant(ev.TenantID, "")
	case bus.KindResync:
		// Events of other replicas may have been missed: clients reconnect and start from a snapshot.
		s.devices.dropAll()
		for _, c := range s.reg.all() {
			c.closeWith(websocket.StatusTryAgainLater, "the hub lost events: reconnect to resync")
		}
	case bus.KindPresence:
		// Every change can change what each linked system shows (written, pending, or not synced).
		if !ev.Unlinked {
			s.refreshVendors(ev.TenantID, ev.AgentID)
		}
		// Each connection gets the event once per view it has of the agent: as its own agent (no team)
		// and as a member of each team it watches.
		views := viewsPool.Get().(*[]view)
		defer func() { clear(*views); *views = (*views)[:0]; viewsPool.Put(views) }()
		s.reg.mu.RLock()
		for _, c := range s.reg.byAgent[ev.AgentID] {
			*views = append(*views, view{c, ""})
		}
		for _, team := range ev.TeamIDs {
			for _, c := range s.reg.byTeam[team] {
				*views = append(*views, view{c, team})
			}
		}
		s.reg.mu.RUnlock()
		if len(*views) == 0 {
			return
		}
		kind := s.engine.Kind(context.Background(), ev.TenantID, ev.Presence.Status)
		base := &phv1.PresenceEvent{Presence: protoconv.Presence(ev.Presence, kind), BlockedReason: ev.Blocked}
		var m outMsg // the views are grouped by team: an event is encoded once per team
		for _, v := range *views {
			if m.frame == nil || m.team != v.team {
				base.TeamId = v.team
				frame, data, err := encodeEventFrame(base)
				if err != nil {
					continue
				}
				m = outMsg{event: data, frame: frame, team: v.team, agent: ev.AgentID, version: ev.Presence.Version}
			}
			v.c.enqueue(m)
		}
	}
}

// view is a connection's view of an agent: its own (team "") or a watched team's.
type view struct {
	c    *conn
	team string
}

// viewsPool holds dispatch's lists of views, so a change's fan-out allocates no list of its own.
var viewsPool = sync.Pool{New: func() any { v := make([]view, 0, 64); return &v }}

// all lists every registered connection once.
func (r *registry) all() []*conn {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[*conn]bool{}
	for _, m := range []map[string][]*conn{r.byAgent, r.byTeam} {
		for _, cs := range m {
			for _, c := range cs {
				seen[c] = true
			}
		}
	}
	return slices.Collect(maps.Keys(seen))
}

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
		s.reg.mu.RLock()
		targets := map[*conn][]string{}
		for _, c := range s.reg.byAgent[ev.AgentID] {
			targets[c] = append(targets[c], "")
		}
		for _, team := range ev.TeamIDs {
			for _, c := range s.reg.byTeam[team] {
				targets[c] = append(targets[c], team)
			}
		}
		s.reg.mu.RUnlock()
		if len(targets) == 0 {
			return
		}
		kind := s.engine.Kind(context.Background(), ev.TenantID, ev.Presence.Status)
		base := &phv1.PresenceEvent{Presence: protoconv.Presence(ev.Presence, kind), BlockedReason: ev.Blocked}
		encoded := map[string]outMsg{}
		for c, teams := range targets {
			for _, team := range teams {
				m, ok := encoded[team]
				if !ok {
					base.TeamId = team
					data, err := encodeEvent(base)
					if err != nil {
						continue
					}
					m = outMsg{event: data, frame: eventFrame(data), team: team, agent: ev.AgentID, version: ev.Presence.Version}
					encoded[team] = m
				}
				c.enqueue(m)
			}
		}
	}
}

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

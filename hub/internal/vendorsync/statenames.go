package vendorsync

import (
	"context"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendorapi"
)

// StateName is the vendor's own name for one of a connection's states ("On Break" for Salesforce's
// "On_Break"), for the tray's line about that system. It never sends a request: it answers from the
// adapter's fixed states or from the vendor's list as last read for an admin (States, a lookup that
// asked), and "" when neither names the state (or only repeats its code, as the generic HTTP
// connector's states do) or the connection cannot be used.
func (m *Manager) StateName(ctx context.Context, c *model.Connection, state string) string {
	if state == "" {
		return ""
	}
	l, err := m.conns.of(ctx, c)
	if err != nil {
		return ""
	}
	if ss, ok := l.adapter.(vendorapi.StaticStates); ok {
		for _, s := range ss.StaticStates() {
			if s.ID == state && s.Name != s.ID { // a name that only repeats the code is no name
				return s.Name
			}
		}
	}
	m.conns.mu.Lock()
	defer m.conns.mu.Unlock()
	return m.conns.names[c.ID][state]
}

// remember keeps the names of a vendor's full state list, read for an admin, for StateName.
func (cs *connections) remember(connectionID string, states []vendorapi.State) {
	names := make(map[string]string, len(states))
	for _, s := range states {
		if s.Name != "" && s.Name != s.ID {
			names[s.ID] = s.Name
		}
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.names == nil {
		cs.names = map[string]map[string]string{}
	}
	cs.names[connectionID] = names
}

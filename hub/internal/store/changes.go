package store

// Changed names the aggregates a write changed, so that what is cached of them can be dropped.
type Changed uint16

const (
	// ChangedTenant: the tenant's settings, or the tenant itself (deleted with everything it owns).
	ChangedTenant Changed = 1 << iota
	// ChangedCatalog: the tenant's statuses.
	ChangedCatalog
	// ChangedConnections: a connection (endpoint, credentials, settings, or gone).
	ChangedConnections
	// ChangedRules: mapping rules or their assignments.
	ChangedRules
	// ChangedTeams: teams (a deleted one takes its memberships and rule assignments).
	ChangedTeams
	// ChangedAgents: agents, their teams or their identities (vendor links).
	ChangedAgents
	// ChangedKeys: an API key was deleted (its tenant is the change's; "" for a hub-wide key).
	ChangedKeys
)

// Change is what one write changed, in one tenant.
type Change struct {
	TenantID string
	What     Changed
}

// Has reports whether the change touched any of what.
func (c Change) Has(what Changed) bool { return c.What&what != 0 }

// OnChange registers the one subscriber told of every write this store makes to tenants, statuses,
// connections, rules, teams, agents and API keys (deletions), right after it is committed (or failed:
// a failed write may have committed before its error). The app drops its caches and tells the other
// replicas; nothing guesses from API method names.
func (s *DB) OnChange(fn func(Change)) { s.onChange.Store(&fn) }

// changed drops this store's cached agents when they may have changed, then tells the subscriber.
func (s *DB) changed(tenantID string, what Changed) {
	if what&(ChangedAgents|ChangedTenant) != 0 {
		s.agents.invalidate()
	}
	if fn := s.onChange.Load(); fn != nil {
		(*fn)(Change{TenantID: tenantID, What: what})
	}
}

package store

import (
	"sync"

	"presencehub.dev/hub/internal/model"
)

// agentCacheMax bounds the cache; when full it starts over.
const agentCacheMax = 100_000

// agentCache keeps agents read by GetAgent, which every status change does (teams for supervisor
// fan-out, identities for vendor writes). Any write to agents, their teams or identities, and deletes
// that cascade to them, drop the whole cache (DB.changed with ChangedAgents); entries do not otherwise
// expire, so a hub sharing its database with other replicas must call InvalidateAgents when they report
// such an edit.
type agentCache struct {
	mu  sync.Mutex
	gen uint64
	by  map[string]cachedAgent
}

type cachedAgent struct {
	a   *model.Agent
	gen uint64
}

func (c *agentCache) get(tenantID, id string) *model.Agent {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.by[tenantID+"/"+id]
	if !ok || e.gen != c.gen {
		return nil
	}
	return cloneAgent(e.a)
}

// put stores a read that started at generation gen; a write since then makes it stale, so it is dropped.
func (c *agentCache) put(a *model.Agent, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.by == nil || len(c.by) >= agentCacheMax {
		c.by = map[string]cachedAgent{}
	}
	c.by[a.TenantID+"/"+a.ID] = cachedAgent{a: cloneAgent(a), gen: gen}
}

func (c *agentCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *agentCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.by = nil
}

func cloneAgent(a *model.Agent) *model.Agent {
	b := *a
	b.TeamIDs = append([]string(nil), a.TeamIDs...)
	b.Identities = append([]model.Identity(nil), a.Identities...)
	return &b
}

// InvalidateAgents drops cached agents after another replica changed agents in the shared database.
func (s *DB) InvalidateAgents() { s.agents.invalidate() }

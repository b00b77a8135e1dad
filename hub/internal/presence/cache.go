package presence

import (
	"sync"

	"presencehub.dev/hub/internal/model"
)

// presenceCacheMax bounds the cache; when full it starts over.
const presenceCacheMax = 200_000

// presenceCache keeps each agent's last saved presence, so a change reads no row before writing. The
// save compares versions, so a stale entry (another replica changed the agent) costs a conflict, which
// drops the entry and decides again on the row; other replicas' changes also drop entries as their
// events arrive (Engine.Forget), and a bus outage drops them all (Engine.ForgetAll).
type presenceCache struct {
	mu sync.Mutex
	by map[string]model.Presence // by agent id (ids are unique across tenants)
}

func (c *presenceCache) get(tenantID, agentID string) (*model.Presence, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.by[agentID]
	if !ok || p.TenantID != tenantID {
		return nil, false
	}
	return &p, true
}

func (c *presenceCache) put(p *model.Presence) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil || len(c.by) >= presenceCacheMax {
		c.by = map[string]model.Presence{}
	}
	c.by[p.AgentID] = *p
}

func (c *presenceCache) drop(agentID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.by, agentID)
}

func (c *presenceCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.by = nil
}

package presence

import (
	"sync"

	"presencehub.dev/hub/internal/model"
)

// presenceCacheMax bounds the cache; when full it starts over.
const presenceCacheMax = 200_000

// presenceCache keeps each agent's last saved or read presence, so a change reads no row before
// writing and a reconnecting stream's snapshot reads none either. An agent never changed is kept as
// "no row" (version 0), not as the status it shows: that comes from the tenant's catalog, which may
// change meanwhile. The save compares versions, so a stale entry (another replica changed the agent)
// costs a conflict, which drops the entry and decides again on the row; other replicas' changes also
// drop entries as their events arrive (Engine.Forget), and a bus outage drops them all
// (Engine.ForgetAll).
//
// A read is stored only if nothing was dropped since it began (gen) and no save stored the agent
// meanwhile: a row read just before another replica's change, whose drop arrived while the read was
// under way, is not kept.
type presenceCache struct {
	mu  sync.Mutex
	gen uint64                    // advances with every drop
	by  map[string]model.Presence // by agent id (ids are unique across tenants)
}

// generation is what a read presents to fill.
func (c *presenceCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// fill stores what a read that began at gen found (version 0: no row), unless a drop happened since
// or the agent is cached already (a save's entry is as new as any read).
func (c *presenceCache) fill(p *model.Presence, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.by[p.AgentID]; ok {
		return
	}
	if c.by == nil || len(c.by) >= presenceCacheMax {
		c.by = map[string]model.Presence{}
	}
	c.by[p.AgentID] = *p
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
	c.gen++
	delete(c.by, agentID)
}

func (c *presenceCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.by = nil
}

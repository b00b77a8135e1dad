package presence

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// tenantInfo is what the rules need of a tenant: its settings and its catalog.
type tenantInfo struct {
	settings model.TenantSettings
	byName   map[string]*model.Status
	settable []*model.Status
	initial  string
	fetched  time.Time
}

func (t *tenantInfo) kind(status string) string {
	if st, ok := t.byName[status]; ok {
		return st.Kind
	}
	return ""
}

func (t *tenantInfo) display(status string) string {
	if st, ok := t.byName[status]; ok && st.DisplayName != "" {
		return st.DisplayName
	}
	return status
}

func (t *tenantInfo) maxPerMinute(def int) int {
	if t.settings.MaxChangesPerMinute > 0 {
		return int(t.settings.MaxChangesPerMinute)
	}
	return def
}

// blockedReason explains why agent changes wait, while p is in a system state.
func (t *tenantInfo) blockedReason(p *model.Presence) string {
	if t.kind(p.Status) != model.KindSystem {
		return ""
	}
	if p.QueuedStatus != "" {
		return fmt.Sprintf("%s — will switch to %s when it ends", t.display(p.Status), t.display(p.QueuedStatus))
	}
	if t.settings.SystemStatePolicy == "refuse" {
		return fmt.Sprintf("%s — status changes wait until it ends", t.display(p.Status))
	}
	return fmt.Sprintf("%s — a status you pick now applies when it ends", t.display(p.Status))
}

// tenantCache keeps tenantInfo per tenant for a short time.
type tenantCache struct {
	st  Store
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]*tenantInfo
	gen uint64 // counts invalidations: what was loaded while one happened serves its caller, is not kept
}

func newTenantCache(st Store, ttl time.Duration, now func() time.Time) *tenantCache {
	return &tenantCache{st: st, ttl: ttl, now: now, m: map[string]*tenantInfo{}}
}

func (c *tenantCache) invalidate(tenantID string) {
	c.mu.Lock()
	delete(c.m, tenantID)
	c.gen++
	c.mu.Unlock()
}

func (c *tenantCache) get(ctx context.Context, tenantID string) (*tenantInfo, error) {
	c.mu.Lock()
	t, ok := c.m[tenantID]
	gen := c.gen
	c.mu.Unlock()
	if ok && c.now().Sub(t.fetched) < c.ttl {
		return t, nil
	}
	t, err := c.load(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.m[tenantID] = t
	}
	c.mu.Unlock()
	return t, nil
}

func (c *tenantCache) load(ctx context.Context, tenantID string) (*tenantInfo, error) {
	tn, err := c.st.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	t := &tenantInfo{settings: tn.Settings, byName: map[string]*model.Status{}, fetched: c.now()}
	p := store.Page{Size: store.MaxPageSize}
	var all []*model.Status
	for {
		list, next, err := c.st.ListStatuses(ctx, tenantID, p)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if next == "" {
			break
		}
		p.Token = next
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Order < all[j].Order })
	for _, st := range all {
		t.byName[st.Name] = st
		if st.AgentSettable && st.Kind != model.KindSystem {
			t.settable = append(t.settable, st)
		}
		if t.initial == "" && st.Kind == model.KindOffline {
			t.initial = st.Name
		}
	}
	return t, nil
}

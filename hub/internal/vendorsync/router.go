package vendorsync

import (
	"context"
	"fmt"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// RouterStore is what the router reads.
type RouterStore interface {
	ListConnections(ctx context.Context, tenantID string, p store.Page) ([]*model.Connection, string, error)
	ListRules(ctx context.Context, tenantID, connectionID string, p store.Page) ([]*model.Rule, string, error)
	GetTenant(ctx context.Context, id string) (*model.Tenant, error)
}

// Router knows, per tenant, the enabled connections and which rule applies to which agent on each. It
// plans the outbox writes of every presence change (it is the engine's Planner). Its view is cached and
// dropped by Invalidate when an admin changes connections or rules (and after a short TTL, for changes
// made through another replica).
type Router struct {
	st    RouterStore
	ttl   time.Duration
	clock clock.Clock
	mu    sync.Mutex
	by    map[string]*routes
	// gen counts invalidations: a view loaded while one happened may predate the admin's change, so it
	// is used by the caller that loaded it but not kept.
	gen uint64
}

// routes is one tenant's view.
type routes struct {
	conns    map[string]*model.Connection // enabled only
	byAgent  map[string]*model.Rule       // connection|agent
	byTeam   map[string]*model.Rule       // connection|team
	fallback map[string]*model.Rule       // connection: a rule assigned to nobody applies to everybody
	// unavailable is the tenant's default unavailable status, written by rules that skip validation.
	unavailable string
	loaded      time.Time
}

// NewRouter returns a router over st.
func NewRouter(st RouterStore, ttl time.Duration, clk clock.Clock) *Router {
	return &Router{st: st, ttl: ttl, clock: clock.OrReal(clk), by: map[string]*routes{}}
}

// Invalidate drops a tenant's cached view.
func (r *Router) Invalidate(tenantID string) {
	r.mu.Lock()
	delete(r.by, tenantID)
	r.gen++
	r.mu.Unlock()
}

func (r *Router) routes(ctx context.Context, tenantID string) (*routes, error) {
	r.mu.Lock()
	rt, gen := r.by[tenantID], r.gen
	r.mu.Unlock()
	if rt != nil && r.clock.Now().UTC().Sub(rt.loaded) < r.ttl {
		return rt, nil
	}
	rt, err := r.load(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.gen == gen {
		r.by[tenantID] = rt
	}
	r.mu.Unlock()
	return rt, nil
}

func (r *Router) load(ctx context.Context, tenantID string) (*routes, error) {
	rt := &routes{conns: map[string]*model.Connection{}, byAgent: map[string]*model.Rule{}, byTeam: map[string]*model.Rule{},
		fallback: map[string]*model.Rule{}, loaded: r.clock.Now().UTC()}
	t, err := r.st.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("loading tenant: %w", err)
	}
	rt.unavailable = t.Settings.DefaultUnavailableStatus
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		conns, next, err := r.st.ListConnections(ctx, tenantID, p)
		if err != nil {
			return nil, fmt.Errorf("loading connections: %w", err)
		}
		for _, c := range conns {
			if c.Enabled {
				rt.conns[c.ID] = c
			}
		}
		if p.Token = next; next == "" {
			break
		}
	}
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		rules, next, err := r.st.ListRules(ctx, tenantID, "", p)
		if err != nil {
			return nil, fmt.Errorf("loading rules: %w", err)
		}
		for _, rl := range rules { // oldest first: the first rule assigned to nobody is the connection's default
			for _, a := range rl.AgentIDs {
				rt.byAgent[rl.ConnectionID+"|"+a] = rl
			}
			for _, t := range rl.TeamIDs {
				rt.byTeam[rl.ConnectionID+"|"+t] = rl
			}
			if len(rl.AgentIDs) == 0 && len(rl.TeamIDs) == 0 && rt.fallback[rl.ConnectionID] == nil {
				rt.fallback[rl.ConnectionID] = rl
			}
		}
		if p.Token = next; next == "" {
			break
		}
	}
	return rt, nil
}

// rule is the rule applying to agent on a connection: the agent's own, else its first team's (in the
// agent's team order), else the connection's rule assigned to nobody; nil when none applies.
func (rt *routes) rule(connectionID string, agent *model.Agent) *model.Rule {
	if rl := rt.byAgent[connectionID+"|"+agent.ID]; rl != nil {
		return rl
	}
	for _, t := range agent.TeamIDs {
		if rl := rt.byTeam[connectionID+"|"+t]; rl != nil {
			return rl
		}
	}
	return rt.fallback[connectionID]
}

// Rule returns the connection and the rule applying to agent there (nil, nil when the connection is
// disabled or unknown; a nil rule when none applies).
func (r *Router) Rule(ctx context.Context, connectionID string, agent *model.Agent) (*model.Connection, *model.Rule, error) {
	rt, err := r.routes(ctx, agent.TenantID)
	if err != nil {
		return nil, nil, err
	}
	c := rt.conns[connectionID]
	if c == nil {
		return nil, nil, nil
	}
	return c, rt.rule(connectionID, agent), nil
}

// Plan lists the vendor writes a change owes: one per other enabled connection on which the agent has
// an identity and whose rule maps the new status outbound. Unmapped statuses are not synced, except
// under a rule that skips validation, which writes the tenant's default unavailable status instead. A
// change never goes back to the connection it came from.
func (r *Router) Plan(ctx context.Context, agent *model.Agent, next *model.Presence, req presence.Request) ([]*model.OutboxWrite, error) {
	rt, err := r.routes(ctx, agent.TenantID)
	if err != nil {
		return nil, err
	}
	var writes []*model.OutboxWrite
	for _, ident := range agent.Identities {
		c := rt.conns[ident.ConnectionID]
		if c == nil || (req.Source == model.SourceConnection && req.SourceID == c.ID) {
			continue
		}
		rl := rt.rule(c.ID, agent)
		status, state, ok := rt.outbound(rl, next.Status)
		if !ok {
			continue
		}
		writes = append(writes, &model.OutboxWrite{
			ID: ids.New(ids.Write), TenantID: agent.TenantID, ConnectionID: c.ID, AgentID: agent.ID, ExternalID: ident.ExternalID,
			Status: status, VendorState: state, PresenceVersion: next.Version, RuleID: rl.ID,
			NextAttemptTime: next.UpdateTime, CreateTime: next.UpdateTime,
		})
	}
	return writes, nil
}

// outbound is the catalog status and vendor state rl writes for status: its mapping, or under a rule
// that skips validation, the mapping of the tenant's default unavailable status.
func (rt *routes) outbound(rl *model.Rule, status string) (string, string, bool) {
	if state, ok := outboundState(rl, status); ok {
		return status, state, true
	}
	if rl == nil || !rl.SkipUnavailableValidation || rt.unavailable == "" {
		return "", "", false
	}
	state, ok := outboundState(rl, rt.unavailable)
	return rt.unavailable, state, ok
}

// Want is the vendor state rl writes for status (see Plan), and whether it writes one.
func (r *Router) Want(ctx context.Context, tenantID string, rl *model.Rule, status string) (string, bool) {
	rt, err := r.routes(ctx, tenantID)
	if err != nil {
		return outboundState(rl, status)
	}
	_, state, ok := rt.outbound(rl, status)
	return state, ok
}

// outboundState maps a catalog status to the vendor state the rule writes for it.
func outboundState(rl *model.Rule, status string) (string, bool) {
	if rl == nil {
		return "", false
	}
	for _, m := range rl.Outbound {
		if m.Status == status {
			return m.VendorState, true
		}
	}
	return "", false
}

// inboundFor is what a reported vendor state does under a rule: its inbound mapping, else the rule's
// fallback_status when set (fallback true). ok is false when neither applies: the state is the
// agent's business in that vendor and is not synced.
func inboundFor(rl *model.Rule, state string) (status string, fallback, ok bool) {
	if status, ok := inboundStatus(rl, state); ok {
		return status, false, true
	}
	if rl != nil && rl.FallbackStatus != "" {
		return rl.FallbackStatus, true, true
	}
	return "", false, false
}

// inboundStatus maps a vendor state to the catalog status (or "previous") the rule's inbound mappings
// apply for it (the fallback not included: see inboundFor).
func inboundStatus(rl *model.Rule, state string) (string, bool) {
	if rl == nil {
		return "", false
	}
	for _, m := range rl.Inbound {
		if m.VendorState == state {
			return m.Status, true
		}
	}
	return "", false
}

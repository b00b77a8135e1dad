// Package presence is the presence engine: the one path through which every status change passes,
// whatever its source (a tray, an admin, a vendor connection, the system). It serializes changes per
// agent, applies the system-state rules (blocked, queued next status, "previous"), bounds the change
// rate per agent, persists each change with its timeline entry atomically and publishes it on the bus.
package presence

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// Outcomes of a change request.
const (
	OutcomeApplied   = "applied"
	OutcomeUnchanged = "unchanged"
	OutcomeQueued    = "queued"
	OutcomeCoalesced = "coalesced"
	OutcomeRefused   = "refused"
	// OutcomeIgnored: a vendor reported a state no rule maps (not synced).
	OutcomeIgnored = "ignored"
	// OutcomeStale: a vendor reported a change stamped before the agent's newer status (newest wins).
	OutcomeStale = "stale"
)

// Errors answered to a request.
var (
	ErrUnknownStatus = errors.New("unknown status")
	ErrNotSettable   = errors.New("agents cannot pick this status")
	ErrBlocked       = errors.New("blocked by a system state")
	ErrNoPrevious    = errors.New("there is no previous status to return to")
)

// BlockedError says which system state blocks a change.
type BlockedError struct{ Reason string }

func (e *BlockedError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrBlocked) hold.
func (e *BlockedError) Unwrap() error { return ErrBlocked }

// Request asks for a status change.
type Request struct {
	TenantID string
	AgentID  string
	// Status is a catalog status name or model.StatusPrevious.
	Status   string
	Source   string // model.Source*
	SourceID string
	Reason   string
	RuleID   string
	// VendorState is the state the source connection's vendor reported (a vendor change): while the
	// change is held, that vendor shows it.
	VendorState string
	// At is when the change happened at its source, by the vendor's own stamp (zero: now, as for trays
	// and admins). A change stamped more than StampGrace before the agent's current status set by a tray
	// or an admin, or before a change flow control holds, is older than them and not applied
	// (OutcomeStale).
	At time.Time
}

// StampGrace is how much older than the hub's newest change a vendor's stamp may be and still count as
// newer: vendors stamp whole seconds (Aircall, ServiceNow), and their clocks are only NTP-close to ours.
const StampGrace = time.Second

// Result is what became of a request.
type Result struct {
	Presence *model.Presence
	Outcome  string
	// Reason explains a queued outcome, e.g. "On a call — will switch to Lunch when it ends".
	Reason string
}

// Store is what the engine needs persisted.
type Store interface {
	store.Presences
	store.HeldChanges
	GetAgent(ctx context.Context, tenantID, id string) (*model.Agent, error)
	GetTenant(ctx context.Context, id string) (*model.Tenant, error)
	ListStatuses(ctx context.Context, tenantID string, p store.Page) ([]*model.Status, string, error)
}

// Options tune the engine.
type Options struct {
	// DefaultMaxChangesPerMinute bounds changes per agent when the tenant sets no limit.
	DefaultMaxChangesPerMinute int
	// CatalogTTL bounds how long a tenant's catalog and settings are cached (other replicas may edit them).
	CatalogTTL time.Duration
	// Clock tells the time for flow control, timestamps and the catalog cache (nil: the wall clock).
	Clock clock.Clock
	// Planner decides which vendor writes each change owes; they are saved with the change.
	Planner Planner
	// CachePresence keeps each agent's presence in memory between changes (saves still compare
	// versions). With several replicas, their events must reach Forget and ForgetAll.
	CachePresence bool
}

// Planner decides which vendor writes a change owes (the sync framework implements it). The writes are
// persisted in the transaction of the change, so a change and its writes exist together or not at all.
type Planner interface {
	Plan(ctx context.Context, agent *model.Agent, next *model.Presence, req Request) ([]*model.OutboxWrite, error)
}

// Engine applies presence changes. Its timers (flushes of held changes) live until Close.
type Engine struct {
	st      Store
	bus     bus.Bus
	log     *slog.Logger
	opts    Options
	clock   clock.Clock
	locks   [512]sync.Mutex
	tenants *tenantCache
	flows   *flowControl
	cache   presenceCache
	// life is the context of the engine's own work (flushes); Close cancels it.
	life context.Context
	stop context.CancelFunc
}

// New returns an engine over st publishing on b.
func New(st Store, b bus.Bus, log *slog.Logger, opts Options) *Engine {
	if opts.DefaultMaxChangesPerMinute <= 0 {
		opts.DefaultMaxChangesPerMinute = 60
	}
	if opts.CatalogTTL <= 0 {
		opts.CatalogTTL = 30 * time.Second
	}
	e := &Engine{st: st, bus: b, log: log, opts: opts, clock: clock.OrReal(opts.Clock)}
	e.tenants = newTenantCache(st, opts.CatalogTTL, e.now)
	e.flows = newFlowControl(e.clock)
	e.life, e.stop = context.WithCancel(context.Background())
	return e
}

// Close stops the engine's timers and waits for the flushes running. Held changes stay held.
func (e *Engine) Close() {
	e.stop()
	e.flows.close()
}

func (e *Engine) now() time.Time { return e.clock.Now().UTC() }

// Forget drops an agent's cached presence: another replica changed it.
func (e *Engine) Forget(agentID string) { e.cache.drop(agentID) }

// ForgetAll drops every cached presence: other replicas' changes may have been missed.
func (e *Engine) ForgetAll() { e.cache.clear() }

// InvalidateTenant drops the cached catalog and settings of a tenant after an admin changed them.
func (e *Engine) InvalidateTenant(tenantID string) { e.tenants.invalidate(tenantID) }

func (e *Engine) lock(agentID string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(agentID))
	return &e.locks[h.Sum32()%uint32(len(e.locks))]
}

// Current returns an agent's presence; an agent never changed shows the catalog's first offline status.
func (e *Engine) Current(ctx context.Context, tenantID, agentID string) (*model.Presence, error) {
	if _, err := e.st.GetAgent(ctx, tenantID, agentID); err != nil {
		return nil, err
	}
	return e.current(ctx, tenantID, agentID)
}

func (e *Engine) current(ctx context.Context, tenantID, agentID string) (*model.Presence, error) {
	var gen uint64
	if e.opts.CachePresence {
		if p, ok := e.cache.get(tenantID, agentID); ok {
			if p.Version == 0 {
				return e.initial(ctx, tenantID, agentID)
			}
			return p, nil
		}
		gen = e.cache.generation()
	}
	p, err := e.st.GetPresence(ctx, tenantID, agentID)
	if errors.Is(err, store.ErrNotFound) {
		if e.opts.CachePresence {
			e.cache.fill(&model.Presence{TenantID: tenantID, AgentID: agentID}, gen)
		}
		return e.initial(ctx, tenantID, agentID)
	}
	if err == nil && e.opts.CachePresence {
		e.cache.fill(p, gen)
	}
	return p, err
}

// initial is the presence of an agent never changed: the tenant's first offline status.
func (e *Engine) initial(ctx context.Context, tenantID, agentID string) (*model.Presence, error) {
	t, err := e.tenants.get(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return &model.Presence{TenantID: tenantID, AgentID: agentID, Status: t.initial, Source: model.SourceSystem}, nil
}

// Apply runs one change request through the rules.
func (e *Engine) Apply(ctx context.Context, req Request) (*Result, error) {
	agent, err := e.st.GetAgent(ctx, req.TenantID, req.AgentID)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		res, err := e.applyLocked(ctx, agent, req)
		if errors.Is(err, store.ErrVersionRace) && attempt < maxConflicts {
			// Another replica changed the agent first: decide again on fresh state.
			if err := e.backoff(ctx, attempt); err != nil {
				return nil, err
			}
			continue
		}
		return res, err
	}
}

func (e *Engine) applyLocked(ctx context.Context, agent *model.Agent, req Request) (*Result, error) {
	mu := e.lock(req.AgentID)
	mu.Lock()
	defer mu.Unlock()
	return e.apply(ctx, agent, req, nil)
}

// maxConflicts bounds how often a change is decided again because another replica saved first.
const maxConflicts = 20

// backoff waits a short random time after a lost race, so that two replicas hammering one agent do not
// keep colliding. No lock is held meanwhile.
func (e *Engine) backoff(ctx context.Context, attempt int) error {
	d := time.Duration(rand.Int64N(int64(attempt+1) * int64(time.Millisecond)))
	if d <= 0 {
		return nil
	}
	t := e.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.Chan():
		return nil
	}
}

// apply decides and persists one request; the agent's lock is held. flushing is the held change being
// applied now that the rate allows (nil for a new request).
func (e *Engine) apply(ctx context.Context, agent *model.Agent, req Request, flushing *heldChange) (*Result, error) {
	t, err := e.tenants.get(ctx, req.TenantID)
	if err != nil {
		return nil, err
	}
	cur, err := e.current(ctx, req.TenantID, req.AgentID)
	if err != nil {
		return nil, err
	}
	if flushing == nil && !req.At.IsZero() {
		// Compared with when the newer change happened at its source: a tray's or an admin's when the hub
		// took it; a vendor's only by its own stamp, which the presence does not keep — so two vendors'
		// changes are not ordered by when the hub happened to process them (they apply in arrival order).
		var newest time.Time
		if cur.Source == model.SourceDevice || cur.Source == model.SourceAdmin {
			newest = cur.UpdateTime
		}
		if h := e.flows.peek(req.AgentID); h != nil {
			held := h.req.At
			if held.IsZero() {
				held = h.since
			}
			if held.After(newest) {
				newest = held
			}
		}
		if !newest.IsZero() && req.At.Add(StampGrace).Before(newest) {
			e.record(ctx, req, cur, OutcomeStale, fmt.Sprintf("%s, stamped %s: older than the newer change of %s, not applied",
				req.Reason, req.At.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339)))
			return &Result{Presence: cur, Outcome: OutcomeStale}, nil
		}
	}
	d, err := decide(t, cur, req)
	if err != nil {
		if errors.Is(err, ErrBlocked) {
			e.record(ctx, req, cur, OutcomeRefused, err.Error())
		}
		return nil, err
	}
	if flushing != nil && cur.UpdateTime.After(flushing.since) {
		// The agent changed after this change was held (on another replica that did not know it): the
		// newer change wins.
		return &Result{Presence: cur, Outcome: OutcomeUnchanged, Reason: reasonOvertaken}, nil
	}
	if flushing == nil {
		perMin := t.maxPerMinute(e.opts.DefaultMaxChangesPerMinute)
		if e.flows.peek(req.AgentID) != nil {
			// A change is held: this one replaces it, even if it equals the current status.
			return e.hold(ctx, req, perMin, cur)
		}
		if d.outcome == OutcomeUnchanged {
			return &Result{Presence: cur, Outcome: OutcomeUnchanged}, nil
		}
		if !e.flows.allow(req.AgentID, perMin) {
			return e.hold(ctx, req, perMin, cur)
		}
	} else if d.outcome == OutcomeUnchanged {
		return &Result{Presence: cur, Outcome: OutcomeUnchanged}, nil
	}
	next := d.next
	next.Version = cur.Version + 1
	next.UpdateTime = e.now()
	entry := &model.TimelineEntry{
		ID: ids.New(ids.Timeline), TenantID: req.TenantID, AgentID: req.AgentID, Outcome: d.outcome,
		RequestedStatus: req.Status, Status: next.Status, PreviousStatus: cur.Status, Version: next.Version,
		Source: req.Source, SourceID: req.SourceID, Reason: firstNonEmpty(d.reason, req.Reason), RuleID: req.RuleID, CreateTime: next.UpdateTime,
	}
	var writes []*model.OutboxWrite
	if e.opts.Planner != nil && next.Status != cur.Status {
		if writes, err = e.opts.Planner.Plan(ctx, agent, &next, req); err != nil {
			return nil, fmt.Errorf("planning vendor writes: %w", err)
		}
	}
	if flushing != nil && next.Status == cur.Status {
		var owed []*model.OutboxWrite
		if owed, err = e.planOwed(ctx, agent, &next, flushing.owed); err != nil {
			return nil, err
		}
		writes = append(writes, owed...)
	}
	if flushing != nil {
		err = e.st.SaveHeldPresence(ctx, &next, cur.Version, entry, writes, flushing.id) // releases the hold with it
	} else {
		err = e.st.SavePresence(ctx, &next, cur.Version, entry, writes)
	}
	if err != nil {
		e.cache.drop(req.AgentID) // decide again on the stored row
		return nil, err
	}
	if e.opts.CachePresence {
		e.cache.put(&next)
	}
	e.publish(ctx, agent, &next, t, len(writes))
	return &Result{Presence: &next, Outcome: d.outcome, Reason: d.reason}, nil
}

func (e *Engine) publish(ctx context.Context, agent *model.Agent, p *model.Presence, t *tenantInfo, writes int) {
	ev := bus.Event{Kind: bus.KindPresence, TenantID: p.TenantID, AgentID: p.AgentID, TeamIDs: agent.TeamIDs, Presence: p, Blocked: t.blockedReason(p), Writes: writes,
		Unlinked: len(agent.Identities) == 0}
	if err := e.bus.Publish(ctx, ev); err != nil {
		e.log.Warn("publishing presence", slog.String(logkey.AgentID, p.AgentID), slog.Any(logkey.Error, err))
	}
}

// record notes a request that changed nothing in the timeline.
func (e *Engine) record(ctx context.Context, req Request, cur *model.Presence, outcome, reason string) {
	entry := &model.TimelineEntry{
		ID: ids.New(ids.Timeline), TenantID: req.TenantID, AgentID: req.AgentID, Outcome: outcome,
		RequestedStatus: req.Status, Status: cur.Status, Version: cur.Version, Source: req.Source,
		SourceID: req.SourceID, Reason: firstNonEmpty(reason, req.Reason), RuleID: req.RuleID,
	}
	if err := e.st.AppendTimeline(ctx, entry); err != nil {
		e.log.Warn("recording timeline", slog.String(logkey.AgentID, req.AgentID), slog.Any(logkey.Error, err))
	}
}

// Ignore notes in the agent's timeline a request that is deliberately not applied (a vendor state
// that no rule maps), so "why didn't my status change?" has an answer.
func (e *Engine) Ignore(ctx context.Context, req Request, reason string) {
	cur, err := e.current(ctx, req.TenantID, req.AgentID)
	if err != nil {
		e.log.Warn("reading presence", slog.String(logkey.AgentID, req.AgentID), slog.Any(logkey.Error, err))
		return
	}
	e.record(ctx, req, cur, OutcomeIgnored, reason)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Describe renders a presence's status for messages ("Lunch").
func (e *Engine) Describe(ctx context.Context, tenantID, status string) string {
	t, err := e.tenants.get(ctx, tenantID)
	if err != nil {
		return status
	}
	return t.display(status)
}

// Blocked reports why agent changes wait for p's system state to end ("" when they do not).
func (e *Engine) Blocked(ctx context.Context, p *model.Presence) string {
	t, err := e.tenants.get(ctx, p.TenantID)
	if err != nil {
		return ""
	}
	return t.blockedReason(p)
}

// Settable lists the statuses an agent may pick, in catalog order.
func (e *Engine) Settable(ctx context.Context, tenantID string) ([]*model.Status, error) {
	t, err := e.tenants.get(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	return t.settable, nil
}

// Kind returns the catalog kind of a status ("" when unknown).
func (e *Engine) Kind(ctx context.Context, tenantID, status string) string {
	t, err := e.tenants.get(ctx, tenantID)
	if err != nil {
		return ""
	}
	return t.kind(status)
}

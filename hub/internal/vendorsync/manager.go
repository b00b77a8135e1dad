// Package vendorsync connects the presence engine to vendor accounts, in four parts that Manager
// assembles. connections holds each connection's live side: adapter and opened credentials, pace and
// pause (gate), health. Inbound takes vendor changes (webhooks, polls), checks them against the hub's
// own recent writes (echoes are dropped), matches them to an agent by linked identity, maps them by the
// agent's rule and hands them to the engine. Outbox delivers the writes the Router planned for each
// change (saved in the change's transaction): claimed, paced per connection, retried with backoff and
// jitter, honouring Retry-After and rate-limit headers, dead-lettered after a bounded number of
// attempts, corrected when the hub's status overtook them. Reconcile reads vendors back and repairs
// drift. With several replicas only the leader runs Outbox.Run, Reconcile.Run and Inbound.Run (the
// polls); every replica receives webhooks and, through Manager.Run, recognises the echoes of the
// leader's writes.
package vendorsync

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/outbound"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
)

// Store is what the sync framework reads and writes.
type Store interface {
	store.Outbox
	store.Health
	store.Pauses
	store.Deliveries
	store.WebhookReplay
	store.PollCursors
	RouterStore
	ConnectionByID(ctx context.Context, id string) (*model.Connection, error)
	GetConnection(ctx context.Context, tenantID, id string) (*model.Connection, error)
	ConnectionSecret(ctx context.Context, tenantID, id string) (*model.SealedSecret, error)
	GetAgent(ctx context.Context, tenantID, id string) (*model.Agent, error)
	AgentByIdentity(ctx context.Context, tenantID, connectionID, externalID string) (*model.Agent, error)
	ListAgents(ctx context.Context, tenantID, teamID string, p store.Page) ([]*model.Agent, string, error)
	ListTenants(ctx context.Context, p store.Page) ([]*model.Tenant, string, error)
}

// ErrVendor wraps a vendor's failure to answer a request made on an admin's behalf.
var ErrVendor = errors.New("the vendor did not answer")

// Options tune the framework.
type Options struct {
	// Vendors are the vendors connections may use, by name (vendors.All()).
	Vendors map[string]vendorapi.Vendor
	// MaxAttempts dead-letters a write after this many failed attempts.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the retry delay (exponential, with jitter).
	MinBackoff, MaxBackoff time.Duration
	// EchoWindow is how long a write's echo is expected.
	EchoWindow time.Duration
	// DriftInterval is how often every connection is read back and repaired (0: never).
	DriftInterval time.Duration
	// PollInterval is how often polling vendors are asked for changes.
	PollInterval time.Duration
	// Workers bounds concurrent writes per connection.
	Workers    int
	HTTPClient *http.Client
	// Clock is the one source of time: it paces requests, times pauses, backoff, echoes, polls and
	// drift repair (nil: the wall clock).
	Clock clock.Clock
	// Owner names this replica on the outbox writes it claims.
	Owner string
	// Alive reports whether the replica named owner still runs; nil means no other replica does (a
	// single hub: every other owner is an earlier process).
	Alive func(ctx context.Context, owner string) (bool, error)
	// ClaimLease bounds how long a write claimed by a replica that stopped answering stays with it
	// (default 1m; longer than a write takes).
	ClaimLease time.Duration
	// Observe, when set, is told the outcome of each change a vendor reported (webhook or poll), after
	// the hub dealt with it: the deterministic simulation judges the hub by what it took.
	Observe func(connectionID string, ch vendorapi.Change, outcome string)
}

// Manager assembles the sync framework of one hub: it builds the parts, follows the other replicas'
// events (Run) and answers for the parts to the API, the app and the simulation. The leader runs the
// parts' loops: Outbox.Run, Reconcile.Run, Inbound.Run.
type Manager struct {
	Inbound   *Inbound
	Outbox    *Outbox
	Reconcile *Reconcile

	conns  *connections
	router *Router
	bus    bus.Bus
	echoes *echoes
}

// New assembles a manager; Run follows the other replicas' events, the parts' Run loops do the work.
func New(st Store, sealer *seal.Sealer, engine *presence.Engine, router *Router, b bus.Bus, m *Metrics, log *slog.Logger, opts Options) *Manager {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.EchoWindow <= 0 {
		opts.EchoWindow = 30 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 30 * time.Second
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = outbound.Strict()
	}
	opts.Clock = clock.OrReal(opts.Clock)
	if opts.ClaimLease <= 0 {
		opts.ClaimLease = time.Minute
	}
	conns := newConnections(st, sealer, log, opts)
	echoes := newEchoes(opts.EchoWindow, opts.Clock)
	out := &Outbox{st: st, conns: conns, echoes: echoes, router: router, engine: engine, bus: b, metrics: m, log: log, clock: opts.Clock,
		maxAttempts: opts.MaxAttempts, minBackoff: opts.MinBackoff, maxBackoff: opts.MaxBackoff, workers: opts.Workers,
		heldRetry: opts.PollInterval, owner: opts.Owner, replicaAlive: opts.Alive, claimLease: opts.ClaimLease,
		wake: make(chan struct{}, 1), inflight: map[string]bool{}, sems: map[string]chan struct{}{}}
	return &Manager{
		Inbound: &Inbound{observe: opts.Observe, st: st, conns: conns, echoes: echoes, router: router, engine: engine, outbox: out, metrics: m, log: log,
			clock: opts.Clock, pollInterval: opts.PollInterval},
		Outbox: out,
		Reconcile: &Reconcile{st: st, conns: conns, router: router, engine: engine, outbox: out, metrics: m, log: log,
			clock: opts.Clock, interval: opts.DriftInterval},
		conns: conns, router: router, bus: b, echoes: echoes,
	}
}

// Run follows the bus until ctx ends, on every replica: changes that queued writes wake the outbox
// (when this replica leads), and the writes other replicas are sending are expected as echoes here too.
func (m *Manager) Run(ctx context.Context) {
	cancel := m.bus.Subscribe(func(e bus.Event) {
		switch {
		case (e.Kind == bus.KindPresence || e.Kind == bus.KindWrite) && e.Writes > 0:
			m.Outbox.Kick()
		case e.Kind == bus.KindWriteExpected && e.Remote && e.Answered.IsZero():
			m.echoes.expect(e.ConnectionID, e.ExternalID, e.VendorState)
		case e.Kind == bus.KindWriteExpected && e.Remote:
			m.echoes.answer(e.ConnectionID, e.ExternalID, e.VendorState, e.Answered, e.TimedOut)
		}
	})
	defer cancel()
	<-ctx.Done()
}

// Kick wakes the outbox loop (writes were queued or put back).
func (m *Manager) Kick() { m.Outbox.Kick() }

// Invalidate drops cached routes of a tenant after an admin changed its connections or rules.
func (m *Manager) Invalidate(tenantID string) { m.router.Invalidate(tenantID) }

// WebhookHandler serves POST /v1/webhooks/{connection} (Inbound.WebhookHandler).
func (m *Manager) WebhookHandler() http.Handler { return m.Inbound.WebhookHandler() }

// RepairDrift reads every linked vendor user back once and repairs drift (Reconcile.RepairDrift).
func (m *Manager) RepairDrift(ctx context.Context) { m.Reconcile.RepairDrift(ctx) }

// Align writes every linked agent's status to every vendor that shows another state (Reconcile.Align).
func (m *Manager) Align(ctx context.Context) { m.Reconcile.Align(ctx) }

// Supports reports whether this hub has an adapter for vendor.
func (m *Manager) Supports(vendor string) bool { return m.conns.Supports(vendor) }

// States asks a connection's vendor for its states (for mapping choices).
func (m *Manager) States(ctx context.Context, tenantID, connectionID string) ([]vendorapi.State, error) {
	return m.conns.States(ctx, tenantID, connectionID)
}

// LookupStates tells which of ids a connection's vendor has (connections.LookupStates).
func (m *Manager) LookupStates(ctx context.Context, tenantID, connectionID string, ids []string) (vendorapi.Lookup, error) {
	return m.conns.LookupStates(ctx, tenantID, connectionID, ids)
}

// ListUsers reads one page of a connection's vendor users (connections.ListUsers).
func (m *Manager) ListUsers(ctx context.Context, connectionID, cursor string) ([]vendorapi.User, string, error) {
	return m.conns.ListUsers(ctx, connectionID, cursor)
}

// DryRun runs one of a connection's configured actions against its vendor (connections.DryRun).
func (m *Manager) DryRun(ctx context.Context, tenantID, connectionID, action string, vars map[string]string) (*vendorapi.DryRunResult, error) {
	return m.conns.DryRun(ctx, tenantID, connectionID, action, vars)
}

// Explain is the router's dry run of an admin override (see Router.Explain).
func (m *Manager) Explain(ctx context.Context, agent *model.Agent, status string) ([]Planned, error) {
	return m.router.Explain(ctx, agent, status)
}

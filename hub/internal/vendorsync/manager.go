// Package vendorsync connects the presence engine to vendor accounts. Inbound, a vendor change (webhook
// or poll) is checked against the hub's own recent writes (echoes are dropped), matched to an agent by
// linked identity, mapped by the agent's rule and handed to the engine. Outbound, the Router plans the
// writes each change owes (saved in the change's transaction) and the outbox workers deliver them:
// paced per connection, retried with backoff and jitter, honouring Retry-After and rate-limit headers,
// dead-lettered after a bounded number of attempts. A periodic read-back repairs drift. With several
// replicas only the leader runs the outbox, drift repair and polling (Lead); every replica receives
// webhooks and recognises the echoes of the leader's writes.
package vendorsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
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
	Vendors map[string]vendorapi.Factory
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
}

// Manager runs the sync framework of one hub.
type Manager struct {
	st      Store
	sealer  *seal.Sealer
	engine  *presence.Engine
	router  *Router
	bus     bus.Bus
	log     *slog.Logger
	opts    Options
	links   *links
	echoes  *echoes
	metrics *Metrics
	wake    chan struct{}

	mu       sync.Mutex
	inflight map[string]bool // connection|agent with a write being sent
	sems     map[string]chan struct{}
	// deliveries tracks the writes being sent, so leadership ends only once they are recorded.
	deliveries sync.WaitGroup
	// lastForget is when expired webhook deliveries were last deleted (unix nanoseconds; replay.go).
	lastForget atomic.Int64
}

// New assembles a manager; Run follows the other replicas' events, Lead runs the workers.
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
	mgr := &Manager{st: st, sealer: sealer, engine: engine, router: router, bus: b, log: log, opts: opts, metrics: m,
		echoes: newEchoes(opts.EchoWindow, opts.Clock), wake: make(chan struct{}, 1),
		inflight: map[string]bool{}, sems: map[string]chan struct{}{}}
	mgr.links = &links{m: mgr, by: map[string]*link{}, gates: map[string]*gate{}}
	return mgr
}

// Run follows the bus until ctx ends: changes that queued writes wake the outbox (when this replica
// leads), and the writes other replicas are sending are expected as echoes here too.
func (m *Manager) Run(ctx context.Context) {
	cancel := m.bus.Subscribe(func(e bus.Event) {
		switch {
		case e.Kind == bus.KindPresence && e.Writes > 0:
			m.kick()
		case e.Kind == bus.KindWriteExpected && e.Remote && e.Answered.IsZero():
			m.echoes.expect(e.ConnectionID, e.ExternalID, e.VendorState)
		case e.Kind == bus.KindWriteExpected && e.Remote:
			m.echoes.answer(e.ConnectionID, e.ExternalID, e.VendorState, e.Answered)
		}
	})
	defer cancel()
	<-ctx.Done()
}

// Kick wakes the outbox loop (writes were queued or put back).
func (m *Manager) Kick() { m.kick() }

// kick wakes the outbox loop (a change may have queued writes).
func (m *Manager) kick() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Invalidate drops cached routes of a tenant after an admin changed its connections or rules.
func (m *Manager) Invalidate(tenantID string) { m.router.Invalidate(tenantID) }

// States asks a connection's vendor for its states (for mapping choices).
func (m *Manager) States(ctx context.Context, tenantID, connectionID string) ([]vendorapi.State, error) {
	if _, err := m.st.GetConnection(ctx, tenantID, connectionID); err != nil {
		return nil, err
	}
	l, err := m.links.get(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	if err := l.wait(ctx); err != nil {
		return nil, err
	}
	states, err := l.adapter.ListStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrVendor, err)
	}
	return states, nil
}

// now is the time on the manager's clock, in UTC (what the store is given).
func (m *Manager) now() time.Time { return m.opts.Clock.Now().UTC() }

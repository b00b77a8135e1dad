package vendorsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/vendorapi"
)

// ErrUnsupportedVendor: no adapter is registered for the connection's vendor.
var ErrUnsupportedVendor = errors.New("no adapter for this vendor yet")

// link is a connection's live side: its adapter (holding the opened credentials), its pace and its
// gate (what the vendor last said about waiting). It is rebuilt when the connection is edited; the gate
// is the connection's for the hub's life.
type link struct {
	conn    *model.Connection
	adapter vendorapi.Adapter
	clock   clock.Clock
	limiter *rate.Limiter
	gate    *gate
}

// wait blocks until the connection may send one request: its pace allows it, then its pause is over
// (the gate is passed again right before each request is sent).
func (l *link) wait(ctx context.Context) error {
	now := l.clock.Now()
	r := l.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		t := l.clock.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			r.CancelAt(l.clock.Now())
			return ctx.Err()
		case <-t.Chan():
		}
	}
	return l.gate.wait(ctx)
}

// pause holds every request to the connection back until until.
func (l *link) pause(until time.Time) { l.gate.pause(until) }

// connections is the hub's live side of its vendor connections: one link per connection (adapter with
// its opened credentials, pace, gate), rebuilt when the connection is edited, and the requests made on
// an admin's behalf through them (states, users, lookups, dry runs), paced like every other request and
// recorded in the connection's health.
type connections struct {
	st         Store
	sealer     *seal.Sealer
	log        *slog.Logger
	clock      clock.Clock
	httpClient *http.Client
	vendors    map[string]vendorapi.Vendor

	// pushed carries the ids of connections whose adapter heard of changes between polls
	// (vendorapi.Config.Notify): Inbound.Run polls them at once.
	pushed chan string

	mu    sync.Mutex
	by    map[string]*link
	gates map[string]*gate             // by connection id
	names map[string]map[string]string // connection id → state id → the vendor's name (remember)
}

func newConnections(st Store, sealer *seal.Sealer, log *slog.Logger, opts Options) *connections {
	return &connections{st: st, sealer: sealer, log: log, clock: opts.Clock, httpClient: opts.HTTPClient, vendors: opts.Vendors,
		by: map[string]*link{}, gates: map[string]*gate{}, pushed: make(chan string, 64)}
}

// now is the time on the connections' clock, in UTC.
func (cs *connections) now() time.Time { return cs.clock.Now().UTC() }

// gateOf returns the connection's gate, made on first use.
func (cs *connections) gateOf(c *model.Connection) *gate {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	g := cs.gates[c.ID]
	if g == nil {
		g = &gate{clock: cs.clock, st: cs.st, log: cs.log, tenantID: c.TenantID, connectionID: c.ID}
		cs.gates[c.ID] = g
	}
	return g
}

// get returns the link of a connection, rebuilding it when the connection changed since.
func (cs *connections) get(ctx context.Context, connectionID string) (*link, error) {
	c, err := cs.st.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	return cs.of(ctx, c)
}

// of returns the link of a connection just read from the store.
func (cs *connections) of(ctx context.Context, c *model.Connection) (*link, error) {
	connectionID := c.ID
	cs.mu.Lock()
	l := cs.by[connectionID]
	cs.mu.Unlock()
	if l != nil && l.conn.UpdateTime.Equal(c.UpdateTime) && l.conn.CredentialsUpdateTime.Equal(c.CredentialsUpdateTime) {
		return l, nil
	}
	l, err := cs.build(ctx, c)
	if err != nil {
		return nil, err
	}
	cs.mu.Lock()
	old := cs.by[connectionID]
	cs.by[connectionID] = l
	cs.mu.Unlock()
	if c, ok := adapterOf(old).(io.Closer); ok {
		_ = c.Close() // an adapter holding a stream open (Genesys) lets it go
	}
	return l, nil
}

// closeAll closes every adapter that holds something open (a pushed stream); they may be used again.
func (cs *connections) closeAll() {
	cs.mu.Lock()
	var closers []io.Closer
	for _, l := range cs.by {
		if c, ok := l.adapter.(io.Closer); ok {
			closers = append(closers, c)
		}
	}
	cs.mu.Unlock()
	for _, c := range closers {
		_ = c.Close()
	}
}

func adapterOf(l *link) vendorapi.Adapter {
	if l == nil {
		return nil
	}
	return l.adapter
}

func (cs *connections) build(ctx context.Context, c *model.Connection) (*link, error) {
	vendor := cs.vendors[c.Vendor]
	if vendor.New == nil {
		return nil, fmt.Errorf("connection %s: %w (%s)", c.ID, ErrUnsupportedVendor, c.Vendor)
	}
	creds := map[string]string{}
	sec, err := cs.st.ConnectionSecret(ctx, c.TenantID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reading credentials: %w", err)
	}
	if sec != nil && len(sec.Sealed) > 0 {
		plain, err := cs.sealer.Open(sec.KeyID, sec.Sealed, seal.ConnectionOwner(c.TenantID, c.ID))
		if errors.Is(err, seal.ErrUnknownKey) {
			return nil, unreadableCredentials(c, sec.KeyID)
		}
		if err != nil {
			return nil, fmt.Errorf("opening credentials: %w", err)
		}
		if err := json.Unmarshal(plain, &creds); err != nil {
			return nil, fmt.Errorf("decoding credentials: %w", err)
		}
	}
	perMinute := vendor.RatePerMinute
	if v, err := strconv.Atoi(c.Settings["rate_limit_per_minute"]); err == nil && v > 0 {
		perMinute = v
	}
	if perMinute <= 0 {
		perMinute = 60
	}
	l := &link{conn: c, clock: cs.clock, limiter: rate.NewLimiter(rate.Limit(float64(perMinute)/60), 1), gate: cs.gateOf(c)}
	l.adapter, err = vendor.New(vendorapi.Config{
		BaseURL: c.BaseURL, Credentials: creds, Settings: c.Settings, Spec: c.Spec, HTTPClient: gatedClient(cs.httpClient, l.gate), Log: cs.log,
		Clock: cs.clock,
		Notify: func() {
			select {
			case cs.pushed <- c.ID:
			default: // a poll of it is already due
			}
		},
		OnRateLimit: func(rl vendorapi.RateLimit) {
			if rl.Limit > 0 && rl.Remaining == 0 && !rl.Reset.IsZero() {
				l.pause(rl.Reset)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("building %s adapter: %w", c.Vendor, err)
	}
	return l, nil
}

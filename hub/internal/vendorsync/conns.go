package vendorsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// defaultRatePerMinute paces writes per connection when its settings name no rate_limit_per_minute:
// below each vendor's documented account-wide limit, which other integrations share. Salesforce has a
// rolling daily allocation (a write costs a few requests: read, publish, read back); CXone documents none,
// nor does a system behind the generic HTTP connector.
var defaultRatePerMinute = map[string]int{"zendesk": 400, "aircall": 60, "talkdesk": 120, "servicenow": 120, "salesforce": 60, "cxone": 60, "http": 60}

// link is a connection's live side: its adapter (holding the opened credentials), its pace and its
// gate (what the vendor last said about waiting). It is rebuilt when the connection is edited; the gate
// is the connection's for the manager's life.
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

// links caches one link per connection.
type links struct {
	m     *Manager
	mu    sync.Mutex
	by    map[string]*link
	gates map[string]*gate // by connection id
}

// gateOf returns the connection's gate, made on first use.
func (ls *links) gateOf(c *model.Connection) *gate {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	g := ls.gates[c.ID]
	if g == nil {
		g = &gate{clock: ls.m.opts.Clock, st: ls.m.st, log: ls.m.log, tenantID: c.TenantID, connectionID: c.ID}
		ls.gates[c.ID] = g
	}
	return g
}

// get returns the link of a connection, rebuilding it when the connection changed since.
func (ls *links) get(ctx context.Context, connectionID string) (*link, error) {
	c, err := ls.m.st.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	return ls.of(ctx, c)
}

// of returns the link of a connection just read from the store.
func (ls *links) of(ctx context.Context, c *model.Connection) (*link, error) {
	connectionID := c.ID
	ls.mu.Lock()
	l := ls.by[connectionID]
	ls.mu.Unlock()
	if l != nil && l.conn.UpdateTime.Equal(c.UpdateTime) && l.conn.CredentialsUpdateTime.Equal(c.CredentialsUpdateTime) {
		return l, nil
	}
	l, err := ls.build(ctx, c)
	if err != nil {
		return nil, err
	}
	ls.mu.Lock()
	ls.by[connectionID] = l
	ls.mu.Unlock()
	return l, nil
}

func (ls *links) build(ctx context.Context, c *model.Connection) (*link, error) {
	factory := ls.m.opts.Vendors[c.Vendor]
	if factory == nil {
		return nil, fmt.Errorf("connection %s: %w (%s)", c.ID, ErrUnsupportedVendor, c.Vendor)
	}
	creds := map[string]string{}
	sec, err := ls.m.st.ConnectionSecret(ctx, c.TenantID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reading credentials: %w", err)
	}
	if sec != nil && len(sec.Sealed) > 0 {
		plain, err := ls.m.sealer.Open(sec.KeyID, sec.Sealed, seal.ConnectionOwner(c.TenantID, c.ID))
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
	perMinute := defaultRatePerMinute[c.Vendor]
	if v, err := strconv.Atoi(c.Settings["rate_limit_per_minute"]); err == nil && v > 0 {
		perMinute = v
	}
	if perMinute <= 0 {
		perMinute = 60
	}
	l := &link{conn: c, clock: ls.m.opts.Clock, limiter: rate.NewLimiter(rate.Limit(float64(perMinute)/60), 1), gate: ls.gateOf(c)}
	l.adapter, err = factory(vendorapi.Config{
		BaseURL: c.BaseURL, Credentials: creds, Settings: c.Settings, Spec: c.Spec, HTTPClient: gatedClient(ls.m.opts.HTTPClient, l.gate), Log: ls.m.log,
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

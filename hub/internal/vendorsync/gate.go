package vendorsync

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/shared/logkey"
)

// gate is one connection's pause: the time before which no request may go to its vendor. Any answer
// that says to wait moves it forward for every request to the connection: a 429 or 503 with
// Retry-After (seen by gatedTransport on every response), a rate-limit budget spent until its reset
// (the adapter's OnRateLimit), an error carrying a Retry-After (the outbox). Every request — outbox
// writes, polls, drift reads, user listings, state listings, dry runs, token requests — passes it right
// before it is sent, after the connection's rate limiter, so no worker sends while another was told to
// wait. When a pause ends, one request goes first (the probe) and the others wait for its answer: if
// the vendor says to wait again, they wait again, instead of all arriving at once. The pause is stored
// (connection_health.paused_until) and read back every gateResync, so a replica taking over the work
// honours it too.
type gate struct {
	clock        clock.Clock
	st           pauseStore
	log          *slog.Logger
	tenantID     string
	connectionID string

	mu     sync.Mutex
	until  time.Time
	synced time.Time // when the stored pause was last read (zero: never)
	// probing: since the last pause, no answer has come back without saying to wait; one request at a
	// time is let through (probe: one is out; turn is closed when it comes back).
	probing, probe bool
	turn           chan struct{}
}

// pauseStore is where pauses are shared between replicas.
type pauseStore interface {
	PauseConnection(ctx context.Context, tenantID, connectionID string, until time.Time) error
	ConnectionPausedUntil(ctx context.Context, connectionID string) (time.Time, error)
}

// gateResync is how often a gate reads the stored pause (another replica may have been told to wait).
const gateResync = 5 * time.Second

// maxPause bounds what one answer can pause a connection for (a garbled date must not stop it for good).
const maxPause = time.Hour

// wait blocks until the connection's pause is over (a probe may still be out: enter waits for it).
func (g *gate) wait(ctx context.Context) error {
	g.resync(ctx)
	for {
		g.mu.Lock()
		d := g.until.Sub(g.clock.Now())
		g.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := g.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// enter blocks until one request may be sent now; done must be called once its answer is in (and any
// pause it carried applied).
func (g *gate) enter(ctx context.Context) (done func(), err error) {
	g.resync(ctx)
	for {
		g.mu.Lock()
		d := g.until.Sub(g.clock.Now())
		switch {
		case d > 0:
			g.mu.Unlock()
			err = g.sleep(ctx, d) // the pause may have moved on meanwhile: look again
		case g.probing && g.probe:
			turn := g.turn
			g.mu.Unlock()
			select {
			case <-ctx.Done():
				err = ctx.Err()
			case <-turn:
			}
		default:
			probe := g.probing
			if probe {
				g.probe, g.turn = true, make(chan struct{})
			}
			g.mu.Unlock()
			if !probe {
				return func() {}, nil
			}
			return g.probed, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// probed ends a probe: unless its answer paused the connection again, requests flow freely.
func (g *gate) probed() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.probe = false
	if !g.until.After(g.clock.Now()) {
		g.probing = false
	}
	close(g.turn)
}

func (g *gate) sleep(ctx context.Context, d time.Duration) error {
	t := g.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.Chan():
		return nil
	}
}

// resync raises the pause to the stored one, at most every gateResync.
func (g *gate) resync(ctx context.Context) {
	g.mu.Lock()
	due := g.synced.IsZero() || g.clock.Since(g.synced) >= gateResync
	if due {
		g.synced = g.clock.Now()
	}
	g.mu.Unlock()
	if !due {
		return
	}
	until, err := g.st.ConnectionPausedUntil(ctx, g.connectionID)
	if err != nil {
		g.log.Debug("reading the connection's pause", slog.String(logkey.Connection, g.connectionID), slog.Any(logkey.Error, err))
		return
	}
	g.raise(until)
}

func (g *gate) raise(until time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !until.After(g.until) {
		return false
	}
	g.until, g.probing = until, true
	return true
}

// pause holds every request to the connection back until until (an earlier time changes nothing), here
// and, through the store, on every replica.
func (g *gate) pause(until time.Time) {
	if latest := g.clock.Now().Add(maxPause); until.After(latest) {
		until = latest
	}
	if !g.raise(until) {
		return
	}
	g.log.Info("vendor asked to wait; pausing the connection", slog.String(logkey.Connection, g.connectionID),
		slog.Duration(logkey.Duration, until.Sub(g.clock.Now())))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.st.PauseConnection(ctx, g.tenantID, g.connectionID, until); err != nil {
		g.log.Warn("storing the connection's pause", slog.String(logkey.Connection, g.connectionID), slog.Any(logkey.Error, err))
	}
}

// gatedTransport sends a connection's requests through its gate and pauses it on the answers that say
// to wait.
type gatedTransport struct {
	gate *gate
	next http.RoundTripper
}

func (t *gatedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	done, err := t.gate.enter(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	defer done()
	resp, err := t.next.RoundTrip(req)
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		now := t.gate.clock.Now()
		if d := retryAfter(resp.Header.Get("Retry-After"), now); d > 0 {
			t.gate.pause(now.Add(d))
		}
	}
	return resp, err
}

// gatedClient is hc with every request through g.
func gatedClient(hc *http.Client, g *gate) *http.Client {
	out := *hc
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out.Transport = &gatedTransport{gate: g, next: next}
	return &out
}

// retryAfter reads a Retry-After header: seconds or an HTTP date (0 when absent or past).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

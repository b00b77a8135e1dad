package stream_test

// End-to-end tests of presencehub.dev/shared/streamclient, the Go client of /v1/stream used by the
// tray and the load generator, against a real hub (hubtest): real pairing, real tokens, the real
// stream server, store and presence engine.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/streamclient"
	"presencehub.dev/shared/testwait"
)

// client is a streamclient.Client whose Run runs in the background until the test ends.
type client struct {
	*streamclient.Client
	t        *testing.T
	cancel   context.CancelFunc
	done     chan struct{}
	err      error        // Run's result, once done is closed
	upgrades atomic.Int32 // upgrade requests the client made (each a connection attempt)
	slow     atomic.Bool  // while set, the client's socket is read slowly (a consumer on a bad network)
	requests atomic.Int32 // websocket text frames the client wrote (each a request, or a request's retry)
	pongs    atomic.Int32 // pongs the client wrote (each answers a ping of the hub)
	logs     *hubtest.SyncBuffer
}

// startClient runs a client of the hub at hubURL with token; tune may adjust its options.
func startClient(t *testing.T, hubURL, token string, tune ...func(*streamclient.Options)) *client {
	t.Helper()
	c := &client{t: t, done: make(chan struct{}), logs: &hubtest.SyncBuffer{}}
	tr := &http.Transport{DialContext: c.dial}
	opts := streamclient.Options{
		HubURL: hubURL, Token: token, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		HTTPClient: &http.Client{Transport: countingTransport{tr, &c.upgrades}},
		Log:        slog.New(slog.NewTextHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range tune {
		f(&opts)
	}
	c.Client = streamclient.New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.err = c.Run(ctx); close(c.done) }()
	t.Cleanup(func() {
		cancel()
		c.wait()
		tr.CloseIdleConnections()
		if t.Failed() {
			t.Logf("client log:\n%s", c.logs.String())
		}
	})
	return c
}

type countingTransport struct {
	http.RoundTripper
	n *atomic.Int32
}

func (ct countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	return ct.RoundTripper.RoundTrip(r)
}

func (c *client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &clientConn{Conn: conn, c: c}, nil
}

// clientConn is the client's socket: it counts the requests written and reads at most 256 bytes
// every 2ms while the client is slow.
type clientConn struct {
	net.Conn
	c *client
}

func (cc *clientConn) Read(p []byte) (int, error) {
	if cc.c.slow.Load() {
		time.Sleep(2 * time.Millisecond) // paces the reads of a slow consumer: not a wait
		p = p[:min(len(p), 256)]
	}
	return cc.Conn.Read(p)
}

func (cc *clientConn) Write(p []byte) (int, error) {
	// A small message is written as one frame in one Write; 0x81 is a final text frame.
	if len(p) > 0 && p[0] == 0x81 {
		cc.c.requests.Add(1)
	}
	if len(p) > 0 && p[0] == 0x8A { // a final pong frame
		cc.c.pongs.Add(1)
	}
	return cc.Conn.Write(p)
}

// wait waits for Run to return and gives its result.
func (c *client) wait() error {
	c.t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(wait):
		c.t.Fatal("Run did not return")
		return nil
	}
}

// running fails the test if Run has returned.
func (c *client) running() {
	c.t.Helper()
	select {
	case <-c.done:
		c.t.Fatalf("Run returned %v", c.err)
	default:
	}
}

// until reads Updates until one satisfies ok, and returns it.
func (c *client) until(what string, ok func(streamclient.Update) bool) streamclient.Update {
	c.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case u, open := <-c.Updates():
			if !open {
				c.t.Fatalf("Updates closed while waiting for %s (Run: %v)", what, c.err)
			}
			if ok(u) {
				return u
			}
		case <-timeout:
			c.t.Fatalf("no update: %s", what)
		}
	}
}

// snapshot waits for the snapshot of a new connection.
func (c *client) snapshot() *phv1.Snapshot {
	c.t.Helper()
	return c.until("a snapshot", func(u streamclient.Update) bool { return u.Snapshot != nil }).Snapshot
}

// event waits for an event satisfying ok, skipping others.
func (c *client) event(what string, ok func(*phv1.PresenceEvent) bool) *phv1.PresenceEvent {
	c.t.Helper()
	var found *phv1.PresenceEvent
	c.until(what, func(u streamclient.Update) bool {
		for _, e := range u.Events {
			if ok(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// upgradesReach waits until the client has made n upgrade requests.
func (c *client) upgradesReach(n int32) {
	c.t.Helper()
	testwait.Seen(c.t, wait, fmt.Sprintf("%d upgrade requests", n), func() (bool, string) {
		got := c.upgrades.Load()
		return got >= n, fmt.Sprintf("%d upgrade requests", got)
	})
}

// requestsReach waits until the client has written n requests.
func (c *client) requestsReach(n int32) {
	c.t.Helper()
	testwait.Seen(c.t, wait, fmt.Sprintf("%d requests written", n), func() (bool, string) {
		got := c.requests.Load()
		return got >= n, fmt.Sprintf("%d requests written", got)
	})
}

func ownEvent(agent, status string) func(*phv1.PresenceEvent) bool {
	return func(e *phv1.PresenceEvent) bool {
		return e.GetTeamId() == "" && e.GetPresence().GetAgentId() == agent && e.GetPresence().GetStatus() == status
	}
}

func teamEvent(team, agent, status string) func(*phv1.PresenceEvent) bool {
	return func(e *phv1.PresenceEvent) bool {
		return e.GetTeamId() == team && e.GetPresence().GetAgentId() == agent && e.GetPresence().GetStatus() == status
	}
}

// async runs f in the background; await gives its result.
func async[T any](f func() (T, error)) chan result[T] {
	ch := make(chan result[T], 1)
	go func() { v, err := f(); ch <- result[T]{v, err} }()
	return ch
}

type result[T any] struct {
	v   T
	err error
}

func await[T any](t *testing.T, ch chan result[T]) (T, error) {
	t.Helper()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(wait):
		t.Fatal("call did not return")
		var zero T
		return zero, nil
	}
}

func streamError(t *testing.T, err error, code string) *streamclient.StreamError {
	t.Helper()
	se, ok := errors.AsType[*streamclient.StreamError](err)
	if !ok || se.Code != code || se.RequestID == "" || se.Reason == "" {
		t.Fatalf("error %v, want a StreamError %q with request id and reason", err, code)
	}
	return se
}

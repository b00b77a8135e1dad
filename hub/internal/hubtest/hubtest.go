// Package hubtest starts a real hub for tests: the full app (store on a fresh SQLite file — or a
// throwaway PostgreSQL database, see WithPostgres —, seal key, admin service, gateway) listening on a
// loopback port, with helpers to call its REST API.
package hubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"presencehub.dev/hub/internal/app"
	"presencehub.dev/hub/internal/config"
)

// Hub is a running hub.
type Hub struct {
	URL      string
	AdminKey string // hub-wide admin key
	App      *app.App
	Logs     *SyncBuffer // everything the hub logged (debug level)
	stop     func()      // stops the server and closes the app, once
}

// Option adjusts the configuration before start.
type Option func(*config.Config)

// WithDataDir makes the hub use dir (its database and seal key) instead of a fresh temporary
// directory; with it, a second hub can start on the data of one that was stopped.
func WithDataDir(dir string) Option { return func(c *config.Config) { c.DataDir = dir } }

// WithListen makes the hub listen on addr (host:port) instead of a free loopback port; with it, a
// second hub can take over the address of one that was stopped, so that clients reconnect to it.
func WithListen(addr string) Option { return func(c *config.Config) { c.Listen = addr } }

// WithOutbound replaces the outbound policy (by default loopback is allowed, where tests run their
// vendor emulators); WithOutbound(config.Outbound{}) gives a hub the production default.
func WithOutbound(o config.Outbound) Option { return func(c *config.Config) { c.Outbound = o } }

// WithConfig adjusts any setting before start.
func WithConfig(f func(*config.Config)) Option { return Option(f) }

// Start runs a hub until the test ends (or Stop).
func Start(t testing.TB, opts ...Option) *Hub {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = ""
	cfg.Listen = "127.0.0.1:0"
	cfg.BootstrapKey = "phk_test_bootstrap_key_0123456789"
	cfg.Log.Level = "debug"
	cfg.Outbound.Allow = []string{"127.0.0.0/8", "::1"} // the tests' vendor emulators listen on loopback
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	onPostgresWhenAsked(t, &cfg)
	if err := cfg.Finish(); err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("opening hub: %v", err)
	}
	ln, err := listen(cfg.Listen)
	if err != nil {
		cancel()
		a.Close()
		t.Fatalf("listening: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	stop := sync.OnceFunc(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("hub did not stop")
		}
		a.Close()
	})
	t.Cleanup(stop)
	t.Cleanup(func() { // registered last, runs first: the logs of a failed test, to see why
		if t.Failed() {
			t.Logf("hub log (last %d lines):\n%s", tailLines, tail(logs.String(), tailLines))
		}
	})
	return &Hub{URL: "http://" + ln.Addr().String(), AdminKey: cfg.BootstrapKey, App: a, Logs: logs, stop: stop}
}

// Stop stops the hub now, as at the end of the test: the server shuts down, live streams are closed
// with "going away", and the store is closed. Calling it again, or the test's cleanup, does nothing.
func (h *Hub) Stop() { h.stop() }

// listen opens addr. A fixed port may be taken for a moment when a hub restarts on the address of the
// one before (by a client's reconnect attempt, whose socket connects to itself when nobody listens),
// so that is retried briefly.
func listen(addr string) (net.Listener, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return ln, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Response is an answer of the REST API.
type Response struct {
	Status int
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
	return m
}

// Do sends method path with key as bearer and body (a string, []byte or value to encode as JSON).
func (h *Hub) Do(t testing.TB, key, method, path string, body any) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encoding body: %v", err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, h.URL+path, rd)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return Response{Status: resp.StatusCode, Body: out}
}

// Must sends a request and fails the test unless the status is want; it returns the decoded body.
func (h *Hub) Must(t testing.TB, want int, key, method, path string, body any) map[string]any {
	t.Helper()
	r := h.Do(t, key, method, path, body)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r.JSON(t)
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tailLines is how much of the hub's log a failed test shows.
const tailLines = 150

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// Package hubtest starts a real hub for tests: the full app (store on a fresh SQLite file, seal key,
// admin service, gateway) listening on a loopback port, with helpers to call its REST API.
package hubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
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
}

// Option adjusts the configuration before start.
type Option func(*config.Config)

// Start runs a hub until the test ends.
func Start(t testing.TB, opts ...Option) *Hub {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Listen = "127.0.0.1:0"
	cfg.BootstrapKey = "phk_test_bootstrap_key_0123456789"
	cfg.Log.Level = "debug"
	for _, o := range opts {
		o(&cfg)
	}
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
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		cancel()
		t.Fatalf("listening: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("hub did not stop")
		}
		a.Close()
	})
	return &Hub{URL: "http://" + ln.Addr().String(), AdminKey: cfg.BootstrapKey, App: a, Logs: logs}
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

package teams_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/teams"
)

// env is an emulated tenant on a fake clock and an adapter pointed at it.
type env struct {
	em  *teamsemu.Emulator
	srv *httptest.Server
	clk *clock.Fake
	a   *teams.Adapter
}

func start(t *testing.T, settings map[string]string) *env {
	t.Helper()
	clk := clock.NewFake(time.Time{})
	em := teamsemu.New(teamsemu.Options{Clock: clk})
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	e := &env{em: em, srv: srv, clk: clk}
	e.a = e.adapter(t, settings, nil)
	return e
}

// adapter builds another adapter on the same tenant (a restarted hub's), credentials edited by edit.
func (e *env) adapter(t *testing.T, settings map[string]string, edit func(map[string]string)) *teams.Adapter {
	t.Helper()
	s := e.em.Settings()
	for k, v := range settings {
		s[k] = v
	}
	creds := e.em.Credentials()
	if edit != nil {
		edit(creds)
	}
	a, err := teams.New(vendorapi.Config{BaseURL: e.srv.URL, Credentials: creds, Settings: s, HTTPClient: e.srv.Client(), Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	return a.(*teams.Adapter)
}

// calls counts the emulator's answered calls (2xx) matching method and a path suffix.
func (e *env) calls(method, suffix string) (n int) {
	for _, c := range e.em.Calls() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) && c.Status/100 == 2 {
			n++
		}
	}
	return n
}

// endpoint is the hub's webhook endpoint for an adapter (the validation handshake, then
// ParseWebhook); it keeps the changes and the errors.
type endpoint struct {
	*httptest.Server
	mu      sync.Mutex
	a       *teams.Adapter
	changes []vendorapi.Change
	errs    []error
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	ep := &endpoint{}
	ep.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep.mu.Lock()
		a := ep.a
		ep.mu.Unlock()
		if answer, ok := a.Handshake(r.URL.Query()); ok {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, answer)
			return
		}
		body, _ := io.ReadAll(r.Body)
		changes, err := a.ParseWebhook(r.Header, body)
		ep.mu.Lock()
		ep.changes = append(ep.changes, changes...)
		if err != nil {
			ep.errs = append(ep.errs, err)
		}
		ep.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(ep.Close)
	return ep
}

func (ep *endpoint) use(a *teams.Adapter) {
	ep.mu.Lock()
	ep.a = a
	ep.mu.Unlock()
}

// saw reports whether a change of id to state was received.
func (ep *endpoint) saw(id, state string) bool {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	for _, c := range ep.changes {
		if c.ExternalID == id && c.State == state {
			return true
		}
	}
	return false
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

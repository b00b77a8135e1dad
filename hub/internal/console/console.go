// Package console is the hub's web console at /console: server-rendered pages (html/template, htmx
// for in-place updates, both embedded) for admins who would rather not write curl. It acts only
// through the hub's public REST API, called in-process with the signed-in user's own API key, so it
// can never do what that key cannot do through the API. The key stays on the server, in a session
// whose id is the only thing the browser holds (an HttpOnly, SameSite=Strict cookie, Secure over TLS).
// Sessions live in this replica's memory: behind a load balancer with several replicas, route a
// browser to one replica (sticky sessions), or it signs in again.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// Identity is what sign-in learns about an API key: whose tenant it is limited to ("" for a hub-wide
// key), its role ("admin" or "viewer") and its name.
type Identity struct {
	TenantID string
	Role     string
	Name     string
}

// CanWrite reports whether the key may change things (the API refuses viewers' writes; the console
// hides the controls).
func (i Identity) CanWrite() bool { return i.Role == "admin" }

// HubWide reports whether the key may act on every tenant.
func (i Identity) HubWide() bool { return i.TenantID == "" }

// ErrUnknownKey is Identify's answer for a key the hub does not know.
var ErrUnknownKey = errors.New("unknown API key")

// Options configure the console.
type Options struct {
	// API is the hub's REST handler (/v1/...), called in-process for every page.
	API http.Handler
	// Identify looks up an API key's tenant and role, as the API's authentication does.
	Identify func(ctx context.Context, key string) (Identity, error)
	Log      *slog.Logger
	Clock    clock.Clock
	// IdleTimeout ends a session unused this long (default 30 minutes).
	IdleTimeout time.Duration
	// Secure marks the cookies Secure (set when the hub serves TLS).
	Secure bool
}

// DefaultIdleTimeout is how long an unused session lasts.
const DefaultIdleTimeout = 30 * time.Minute

// Console serves the pages.
type Console struct {
	opts     Options
	api      apiClient
	sessions *sessions
	pages    *pages
	mux      *http.ServeMux
	boardMu  sync.Mutex // one board key per session, even when two tabs open boards at once
}

// New builds the console.
func New(o Options) (*Console, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.Clock = clock.OrReal(o.Clock)
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{opts: o, api: apiClient{h: o.API}, pages: p}
	c.sessions = newSessions(o.Clock, o.IdleTimeout, c.dropBoardKey)
	c.routes()
	return c, nil
}

// ServeHTTP answers /console/... requests.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// connect-src names the stream's ws/wss URL on this host explicitly: browsers before CSP level 3
	// do not count a websocket to the page's own host as 'self'.
	h.Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws://"+r.Host+" wss://"+r.Host+"; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	c.mux.ServeHTTP(w, r)
}

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /console/static/{file}", serveStatic)
	m.HandleFunc("GET /console/{$}", c.home)
	m.HandleFunc("GET /console/sign-in", c.signInPage)
	m.HandleFunc("POST /console/sign-in", c.signIn)
	m.Handle("POST /console/sign-out", c.guard(c.signOut))
	m.Handle("POST /console/tenant", c.guard(c.switchTenant))
	m.Handle("GET /console/overview", c.guard(c.overview))
	m.Handle("GET /console/connections", c.guard(c.connections))
	m.Handle("POST /console/connections", c.guard(c.createConnection))
	m.Handle("GET /console/connections/{id}", c.guard(c.connectionPage))
	m.Handle("POST /console/connections/{id}", c.guard(c.updateConnection))
	m.Handle("POST /console/connections/{id}/test", c.guard(c.testConnection))
	m.Handle("POST /console/connections/{id}/sync-runs", c.guard(c.startSyncRun))
	m.Handle("GET /console/connections/{id}/sync-runs/{run}", c.guard(c.syncRunPage))
	m.Handle("GET /console/rules", c.guard(c.rules))
	m.Handle("GET /console/rules/new", c.guard(c.newRule))
	m.Handle("POST /console/rules", c.guard(c.saveRule))
	m.Handle("POST /console/rules/apply-template", c.guard(c.applyTemplate))
	m.Handle("GET /console/rules/{id}", c.guard(c.editRule))
	m.Handle("POST /console/rules/{id}", c.guard(c.saveRule))
	m.Handle("GET /console/agents", c.guard(c.agents))
	m.Handle("GET /console/agents/{id}", c.guard(c.agentPage))
	m.Handle("POST /console/agents/{id}/presence", c.guard(c.override))
	m.Handle("POST /console/agents/{id}/identities", c.guard(c.identityAction))
	m.Handle("POST /console/agents/{id}/pairing-codes", c.guard(c.issuePairingCode))
	m.Handle("POST /console/agents/{id}/devices/{device}/revoke", c.guard(c.revokeDevice))
	m.Handle("GET /console/teams", c.guard(c.teams))
	m.Handle("GET /console/teams/{id}/board", c.guard(c.board))
	m.Handle("POST /console/teams/{id}/pairing-codes", c.guard(c.teamPairingCodes))
	m.Handle("GET /console/writes", c.guard(c.writes))
	m.Handle("POST /console/writes/{id}/retry", c.guard(c.retryWrite))
	m.Handle("POST /console/connections/{id}/retry-dead", c.guard(c.retryDead))
	m.Handle("GET /console/audit", c.guard(c.audit))
	m.Handle("GET /console/api-keys", c.guard(c.apiKeys))
	m.Handle("POST /console/api-keys", c.guard(c.createAPIKey))
	m.Handle("POST /console/api-keys/{id}/revoke", c.guard(c.revokeAPIKey))
	c.mux = m
}

// home sends a signed-in browser to the overview, anyone else to sign-in.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.sessionOf(r); ok {
		http.Redirect(w, r, "/console/overview", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/console/sign-in", http.StatusSeeOther)
}

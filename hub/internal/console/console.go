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
	c := &Console{opts: o, api: apiClient{h: o.API}, sessions: newSessions(o.Clock, o.IdleTimeout), pages: p}
	c.routes()
	return c, nil
}

// ServeHTTP answers /console/... requests.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
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
	m.Handle("GET /console/rules", c.guard(c.rules))
	m.Handle("GET /console/rules/new", c.guard(c.newRule))
	m.Handle("POST /console/rules", c.guard(c.saveRule))
	m.Handle("GET /console/rules/{id}", c.guard(c.editRule))
	m.Handle("POST /console/rules/{id}", c.guard(c.saveRule))
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

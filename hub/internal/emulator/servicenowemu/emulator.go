// Package servicenowemu emulates one ServiceNow instance's Advanced Work Assignment (AWA) over HTTP:
// Basic auth and OAuth (password and refresh-token grants at /oauth_token.do, form-encoded only),
// the Table API (sys_user, awa_presence_state, awa_agent_presence) with sysparm_query / _fields /
// _limit / _offset / _display_value / _exclude_reference_link and the Link and X-Total-Count headers
// (links, in headers and reference fields, on the scheme and host the client used), the AWA Agent API (read and set an agent's
// presence, its presence_states), inbound REST rate limiting, and the Presence Hub business rule.
//
// ServiceNow has no presence webhook. AddWebhook installs what installers/servicenow/ ships: an async
// business rule on awa_agent_presence that POSTs every change to the hub, signed with the connection's
// inbound secret (HMAC-SHA256, base64, over "<timestamp>.<body>").
//
// Choices where ServiceNow's behaviour is undocumented or unconfirmed (vendor API reference, "4.
// ServiceNow"):
//   - Access tokens last Options.AccessTTL (default 1800 s), refresh tokens Options.RefreshTTL
//     (default 100 days); a refresh answers a new access token and the same refresh token.
//   - Rate limiting: with a limit set (SetRateLimit), every authenticated answer carries
//     X-RateLimit-Limit, X-RateLimit-Reset (UNIX seconds) and X-RateLimit-Rule; over it, 429 with
//     Retry-After. The window is a minute (ServiceNow's rules count per hour). No limit by default.
//   - The Table API understands the query terms field=value, fieldISNOTEMPTY, field>=value,
//     field>value, ORDERBYfield and ORDERBYDESCfield joined by ^; other terms are ignored (as an
//     instance ignores invalid ones). Date-times are compared as "YYYY-MM-DD hh:mm:ss" in UTC.
//   - sysparm_display_value other than true, false or all is a 400 naming it (an instance may ignore
//     it); display values of dates and booleans are their values (no user time zone or locale).
//   - PUT /api/now/awa/agents/{id} refuses an unknown or inactive presence state (400) and a body
//     that is not JSON (415). Channels left out keep their availability; an unavailable state shows
//     every channel unavailable.
package servicenowemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Demo credentials used when Options leaves them empty.
const (
	DefaultUsername     = "presencehub.integration"
	DefaultPassword     = "servicenow-demo-password"
	DefaultClientID     = "servicenow-demo-client"
	DefaultClientSecret = "servicenow-demo-client-secret"
	// DefaultInboundSecret is base64 of 32 bytes, the form the hub generates.
	DefaultInboundSecret = "c2VydmljZW5vdy1kZW1vLWluYm91bmQtc2VjcmV0ISE="
)

// Presence states: the three out-of-box ones (fixed sys_ids on every instance) and two custom ones.
var (
	Available = State{SysID: "0b10223c57a313005baaaa65ef94f970", Name: "Available", Available: true, Order: 0, Active: true}
	Away      = State{SysID: "41f9b8dfb31313005baa6e5f26a8dcac", Name: "Away", Order: 1000, Active: true}
	Offline   = State{SysID: "9cd83267575313005baaaa65ef94f98b", Name: "Offline", Order: 2000, Active: true}
	Break     = State{SysID: "5d1e0c9b1b2230105a3f7bb4dd4bcb11", Name: "Break", Order: 1500, Active: true}
	Training  = State{SysID: "5d1e0c9b1b2230105a3f7bb4dd4bcb12", Name: "Training", Order: 1600} // inactive
)

// Service channels every agent has.
var channels = []struct{ sysID, name string }{
	{"27f675e3739713004a905ee515f6a7c3", "Chat"},
	{"ec8b1c0f73a713004a905ee515f6a7d1", "Case"},
}

// State is a row of awa_presence_state.
type State struct {
	SysID, Name string
	Available   bool
	Order       int
	Active      bool
}

// Options configure an emulated instance.
type Options struct {
	Log *slog.Logger
	// Username and Password are the integration user's (Basic auth and the OAuth password grant).
	Username, Password string
	// OAuth makes Credentials include the OAuth client (the adapter then uses OAuth, not Basic).
	OAuth                  bool
	ClientID, ClientSecret string
	// AccessTTL and RefreshTTL are token lifetimes (0: 1800 s and 100 days).
	AccessTTL, RefreshTTL time.Duration
	// InboundSecret signs the business rule's calls (base64; default DefaultInboundSecret).
	InboundSecret string
	// NoAWARole: the integration user lacks awa_integration_user (AWA endpoints answer 403).
	NoAWARole bool
	// TrustForwardedProto makes links follow X-Forwarded-Proto (behind a TLS-terminating proxy);
	// otherwise they are https only for a request that came over TLS.
	TrustForwardedProto bool
}

// Emulator is one instance. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	handler http.Handler
	emulator.Base

	fireMu   sync.Mutex // serialises changes with the queueing of their business-rule calls
	mu       sync.Mutex
	users    map[string]*user
	order    []string
	tokens   map[string]issued
	hooks    []string
	sender   *emulator.Sender
	lastTick time.Time
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an instance with no agents and no rate limit.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	for _, d := range []struct {
		dst *string
		def string
	}{
		{&opts.Username, DefaultUsername}, {&opts.Password, DefaultPassword}, {&opts.ClientID, DefaultClientID},
		{&opts.ClientSecret, DefaultClientSecret}, {&opts.InboundSecret, DefaultInboundSecret},
	} {
		if *d.dst == "" {
			*d.dst = d.def
		}
	}
	if opts.AccessTTL <= 0 {
		opts.AccessTTL = 1800 * time.Second
	}
	if opts.RefreshTTL <= 0 {
		opts.RefreshTTL = 100 * 24 * time.Hour
	}
	e := &Emulator{opts: opts, users: map[string]*user{}, tokens: map[string]issued{}}
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the instance.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "servicenow".
func (e *Emulator) Vendor() string { return "servicenow" }

// Credentials are what the servicenow adapter reads: username, password and inbound_secret, plus
// client_id and client_secret with Options.OAuth.
func (e *Emulator) Credentials() map[string]string {
	c := map[string]string{"username": e.opts.Username, "password": e.opts.Password, "inbound_secret": e.opts.InboundSecret}
	if e.opts.OAuth {
		c["client_id"], c["client_secret"] = e.opts.ClientID, e.opts.ClientSecret
	}
	return c
}

// Settings are empty: the base URL is all an instance needs.
func (e *Emulator) Settings() map[string]string { return map[string]string{} }

// Close stops the business rule's deliveries.
func (e *Emulator) Close() {
	e.mu.Lock()
	s := e.sender
	e.mu.Unlock()
	if s != nil {
		s.Close()
	}
}

// states are the instance's presence states, in order.
func states() []State { return []State{Available, Away, Break, Training, Offline} }

func stateBySysID(id string) (State, bool) {
	for _, s := range states() {
		if s.SysID == id {
			return s, true
		}
	}
	return State{}, false
}

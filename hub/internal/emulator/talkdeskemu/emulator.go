// Package talkdeskemu emulates one Talkdesk account over HTTP: the OAuth 2.0 client-credentials token
// endpoint (Basic client auth, form body, scopes, expiring tokens), the HAL-style users list, the
// Presence API (read an agent's presence, set its status, mark it occupied through the occupancy
// JSON-Patch API) and the per-minute rate limit.
//
// Talkdesk documents no agent-status webhook, so AddWebhook subscribes nothing: the hub polls.
//
// Choices where Talkdesk's behaviour is undocumented or unconfirmed (vendor API reference, "5. Talkdesk"):
//   - The token endpoint lives on the account's identity host ({account}.talkdeskid.com/oauth/token);
//     the emulator serves it at /oauth/token on the same listener. Tokens last Options.TokenTTL
//     (default one hour; Talkdesk's typical expires_in is unconfirmed). An expired or unknown token is
//     a 401; a token without the endpoint's scope is a 403.
//   - The custom status list is served at GET /presence/custom-statuses (HAL, like /users); Talkdesk's
//     own endpoint for it is unconfirmed. Every custom status here is a "Busy" (status away) one.
//   - PUT /users/{id}/presence/status only accepts "available", or "away" with the custom_status_id of
//     a custom Busy status (seed 000: an agent's status can only be changed to Available or a custom
//     Busy status); anything else is a 400 that changes nothing. An agent who is offline or on a call
//     cannot be changed: 400 with a description saying why. A body that is not JSON is a 415.
//   - "On a call" is an interaction of cost 100 on the voice channel (occupancy 100); the status stays
//     what the agent had picked.
//   - The occupancy API is PATCH /users/{id}/presence/occupancy (the method is unconfirmed); see
//     patchOccupancyRoute for the answers chosen. External interactions add to the occupancy (capped at
//     100) and show as their own channels; they do not change State.
//   - Rate-limit headers are X-RateLimit-Limit/-Remaining/-Reset (UNIX seconds), sent on every
//     authenticated API answer; over the limit: 429 with Retry-After. Token requests are not counted.
package talkdeskemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/logkey"
)

// Demo credentials used when Options leaves them empty.
const (
	DefaultClientID     = "talkdesk-demo-client"
	DefaultClientSecret = "talkdesk-demo-secret"
	DefaultAccountID    = "5f0c0ffee0c0ffee0c0ffee0"
	// DefaultTokenTTL is how long an access token lasts.
	DefaultTokenTTL = time.Hour
	// DefaultRatePerMinute is the account's request budget (Talkdesk's own is unconfirmed).
	DefaultRatePerMinute = 600
)

// Scopes the emulator knows.
const (
	ScopeUsersRead      = "users:read"
	ScopePresenceRead   = "presence-user:read"
	ScopePresenceWrite  = "presence-status:write"
	ScopeOccupancyWrite = "presence-occupancy:write"
)

// CustomStatus is one of the account's custom Busy statuses.
type CustomStatus struct{ ID, Name string }

// The default custom Busy statuses (fixed ids, so demos and rules can name them).
var (
	Lunch   = CustomStatus{ID: "8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a01", Name: "Lunch"}
	Meeting = CustomStatus{ID: "8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a02", Name: "Meeting"}
	Break   = CustomStatus{ID: "8a4f5c1e-3b2d-4e6f-9a1b-2c3d4e5f6a03", Name: "Break"}
)

// Options configure an emulated account.
type Options struct {
	Log *slog.Logger
	// ClientID and ClientSecret are the OAuth client's credentials.
	ClientID, ClientSecret string
	// Scopes the client may be granted (default: every scope above).
	Scopes []string
	// TokenTTL is how long an access token lasts (0: DefaultTokenTTL).
	TokenTTL time.Duration
	// RatePerMinute is the account's request budget (0: DefaultRatePerMinute, negative: unlimited).
	RatePerMinute int
	// CustomStatuses are the account's custom Busy statuses (nil: Lunch, Meeting, Break).
	CustomStatuses []CustomStatus
}

// Emulator is one Talkdesk account. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	handler http.Handler
	emulator.Base

	mu     sync.Mutex
	users  map[string]*user
	order  []string
	tokens map[string]token
	seq    int64
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an empty account.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.Scopes == nil {
		opts.Scopes = []string{ScopeUsersRead, ScopePresenceRead, ScopePresenceWrite, ScopeOccupancyWrite}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.CustomStatuses == nil {
		opts.CustomStatuses = []CustomStatus{Lunch, Meeting, Break}
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	e := &Emulator{opts: opts, users: map[string]*user{}, tokens: map[string]token{}}
	e.Window.SetLimit(opts.RatePerMinute)
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the token endpoint and the API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "talkdesk".
func (e *Emulator) Vendor() string { return "talkdesk" }

// Credentials are the keys the talkdesk adapter reads: client_id and client_secret.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"client_id": e.opts.ClientID, "client_secret": e.opts.ClientSecret}
}

// Settings point the adapter's token requests at this listener (the real endpoint is on the
// account's identity host).
func (e *Emulator) Settings() map[string]string {
	return map[string]string{"token_url": "/oauth/token"}
}

// AddWebhook subscribes nothing: Talkdesk has no agent-status webhook (the hub polls).
func (e *Emulator) AddWebhook(url string) {
	e.opts.Log.Debug("talkdesk has no agent-status webhook; not subscribing", slog.String(logkey.URL, url))
}

// Sign returns no headers: nothing is delivered.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// CustomStatuses lists the account's custom Busy statuses.
func (e *Emulator) CustomStatuses() []CustomStatus {
	return append([]CustomStatus(nil), e.opts.CustomStatuses...)
}

// customStatus finds a custom status by id.
func (e *Emulator) customStatus(id string) (CustomStatus, bool) {
	for _, c := range e.opts.CustomStatuses {
		if c.ID == id {
			return c, true
		}
	}
	return CustomStatus{}, false
}

// now is the emulator's clock, in UTC.
func now() time.Time { return time.Now().UTC() }

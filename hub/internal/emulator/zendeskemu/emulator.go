// Package zendeskemu emulates one Zendesk account's agent-presence surface over HTTP, as described in
// the vendor reference (section "1. Zendesk"): Support users with cursor pagination, the omnichannel
// Agent Availability and Unified Agent Status APIs, the Talk availabilities API (whose agent_state
// cannot be set while omnichannel routing is on), agent webhooks signed with HMAC-SHA256, API-token
// and OAuth auth, and the account-wide per-minute rate limit with its headers and 429s.
//
// Its states, for State and Change, are the Zendesk adapter's vocabulary: with omnichannel routing on,
// the default unified statuses by name ("online", "offline", "away", "transfers_only") and custom
// statuses as "custom:<id>"; with TalkOnly, the Talk agent_states ("online", "offline", "away",
// "transfers_only").
package zendeskemu

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"presencehub.dev/hub/internal/emulator"
)

// DefaultRateLimit is the Enterprise plan's account-wide requests per minute.
const DefaultRateLimit = 700

// accountID is the emulated account's id, as webhooks report it.
const accountID = 1

// Options configure an emulated account. Empty secrets are generated; the zero value is a working
// Enterprise account with omnichannel routing on.
type Options struct {
	Log *slog.Logger
	// Email is the account owner's (an admin) address; API-token auth names it. Default "admin@example.com".
	Email string
	// APIToken is for Basic auth as "{email}/token:{api_token}".
	APIToken string
	// OAuthToken is accepted as "Authorization: Bearer {token}".
	OAuthToken string
	// WebhookSecret signs webhook deliveries.
	WebhookSecret string
	// TalkOnly turns omnichannel routing off: no unified statuses, and the Talk availabilities API
	// sets agent_state. The zero value keeps omnichannel routing on.
	TalkOnly bool
	// RateLimit is requests per minute: 0 means DefaultRateLimit, negative means unlimited.
	RateLimit int
}

// Emulator is one Zendesk account. It implements emulator.Emulator.
type Emulator struct {
	opts Options
	log  *slog.Logger
	emulator.Base
	sender  *emulator.Sender
	handler http.Handler

	mu       sync.Mutex
	users    []*user // ordered by id
	byID     map[int64]*user
	nextID   int64
	ownerID  int64
	statuses []*status // defaults, then custom
	hooks    []string
	jobs     map[string]*job // bulk status updates, by id
	// limit and remaining are the last rate-limit figures, for answers that spend nothing (401s).
	limit, remaining int
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an account holding its owner (an admin) and one end-user.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Email == "" {
		opts.Email = "admin@example.com"
	}
	if opts.APIToken == "" {
		opts.APIToken = randomToken()
	}
	if opts.OAuthToken == "" {
		opts.OAuthToken = randomToken()
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = randomToken()
	}
	e := &Emulator{opts: opts, log: opts.Log, byID: map[int64]*user{}, jobs: map[string]*job{}, nextID: 10001, statuses: defaultStatuses()}
	e.sender = emulator.NewSender(opts.Log)
	e.ownerID = e.addUser(opts.Email, "Account Owner", roleAdmin)
	e.addUser("customer@example.com", "A Customer", roleEndUser)
	limit := opts.RateLimit
	if limit == 0 {
		limit = DefaultRateLimit
	}
	e.SetRateLimit(max(limit, 0))
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(e.guard(e.routes()))))
	return e
}

func randomToken() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// routes are the account's endpoints, each with and without ".json" (Zendesk accepts both forms).
func (e *Emulator) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/users", e.listUsers)
	mux.HandleFunc("GET /api/v2/users/me", e.getMe)
	mux.HandleFunc("GET /api/v2/users/search", e.searchUsers)
	mux.HandleFunc("GET /api/v2/users/{ref}", e.getUser)
	mux.HandleFunc("GET /api/v2/agent_availabilities", e.listAvailabilities)
	mux.HandleFunc("GET /api/v2/agent_availabilities/agent_statuses", e.listStatuses)
	mux.HandleFunc("GET /api/v2/agent_availabilities/agent_statuses/me", e.listStatuses)
	mux.HandleFunc("PUT /api/v2/agent_availabilities/agent_statuses/agents/update_many", e.updateMany)
	mux.HandleFunc("PUT /api/v2/agent_availabilities/agent_statuses/agents/{agent}", e.putUnifiedStatus)
	mux.HandleFunc("GET /api/v2/agent_availabilities/agent_statuses/job_statuses/{job}", e.getJob)
	mux.HandleFunc("GET /api/v2/job_statuses/{job}", e.getJob)
	mux.HandleFunc("GET /api/v2/agent_availabilities/{agent}", e.getAvailability)
	mux.HandleFunc("GET /api/v2/channels/voice/availabilities/{agent}", e.getTalk)
	mux.HandleFunc("PUT /api/v2/channels/voice/availabilities/{agent}", e.putTalk)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "InvalidEndpoint", "Not found")
	})
	return stripJSON(mux)
}

// stripJSON routes "/x.json" as "/x".
func stripJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := strings.CutSuffix(r.URL.Path, ".json")
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		r2, u := new(http.Request), *r.URL
		*r2 = *r
		u.Path, u.RawPath = p, ""
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// ServeHTTP serves the account's API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "zendesk".
func (e *Emulator) Vendor() string { return "zendesk" }

// Credentials are the API-token credentials and the webhook secret (OAuthToken gives the bearer token).
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"email": e.opts.Email, "api_token": e.opts.APIToken, "webhook_secret": e.opts.WebhookSecret}
}

// Settings name the API the adapter must use: "unified", or "talk" for a TalkOnly account.
func (e *Emulator) Settings() map[string]string {
	if e.opts.TalkOnly {
		return map[string]string{"api": "talk"}
	}
	return map[string]string{"api": "unified"}
}

// OAuthToken is the token the account accepts as "Authorization: Bearer".
func (e *Emulator) OAuthToken() string { return e.opts.OAuthToken }

// SetRateLimit sets the requests per minute (0: unlimited) and starts a new window.
func (e *Emulator) SetRateLimit(perMinute int) {
	e.Window.SetLimit(perMinute)
	e.mu.Lock()
	e.limit, e.remaining = perMinute, perMinute
	e.mu.Unlock()
}

// Close stops webhook delivery.
func (e *Emulator) Close() { e.sender.Close() }

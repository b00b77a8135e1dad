// Package punchclockemu emulates the mock API of seed 001 ("Sync Talkdesk Agents with external
// systems"): a time-punching system reached through the generic HTTP connector (vendor "http").
//
//   - GET /users/formatted?page=N lists users as {"id","email","name"}; GET /users/not-formatted?page=N
//     the same users with other keys ({"punch_clock_id","punch_clock_email","punch_clock_name"}). Both
//     answer {"users":[...],"count":<users on this page>,"total":<all users>,"page":N,"next":<url|null>}
//     and a Link header rel="next", so a client can page by number until count adds up to total, or
//     follow the next link. Pages hold PageSize users (per_page=1..100 overrides it).
//   - POST /users/{id}/punch-clock {"action":"in"|"out"} records a punch (201); the user id is the one
//     the time-punching system gave (punch_clock_id); GET lists the user's punches.
//
// Choices where the seed's Postman mock says nothing: requests authenticate with "Authorization: Bearer
// <api_token>" (401 otherwise); the account has a per-minute request budget with X-RateLimit-Limit,
// -Remaining and -Reset (UNIX seconds) on every authenticated answer and 429 + Retry-After past it.
package punchclockemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Defaults of an account.
const (
	DefaultAPIToken      = "punch-clock-demo-token"
	DefaultPageSize      = 50
	DefaultRatePerMinute = 600
	maxPageSize          = 100
)

// Options configure an account.
type Options struct {
	Log      *slog.Logger
	APIToken string
	// PageSize is the users per page (default DefaultPageSize).
	PageSize int
	// RatePerMinute is the request budget (0: DefaultRatePerMinute, negative: unlimited).
	RatePerMinute int
}

// Punch is one clocking of a user.
type Punch struct {
	ID     int64     `json:"id"`
	UserID string    `json:"user_id"`
	Action string    `json:"action"`
	Time   time.Time `json:"time"`
}

type user struct {
	id, email, name string
	punches         []Punch
}

// Emulator is one time-punching account. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	handler http.Handler
	rec     emulator.Recorder
	outage  emulator.Outage
	window  emulator.Window

	mu        sync.Mutex
	users     map[string]*user
	order     []string
	nextID    int64
	nextPunch int64
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an empty account.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.APIToken == "" {
		opts.APIToken = DefaultAPIToken
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	e := &Emulator{opts: opts, users: map[string]*user{}, nextID: 1000}
	e.window.SetLimit(opts.RatePerMinute)
	e.handler = emulator.WithAgentSide(e, e.rec.Wrap(e.outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "http": the hub reaches this system through the generic HTTP connector.
func (e *Emulator) Vendor() string { return "http" }

// Credentials are what the connector's templates use: {{credentials.api_token}}.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"api_token": e.opts.APIToken}
}

// Settings are empty.
func (e *Emulator) Settings() map[string]string { return map[string]string{} }

// AddWebhook does nothing: the system sends no webhooks.
func (e *Emulator) AddWebhook(string) {}

// Sign returns no headers.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// SetDown makes every request answer 503 until called with false.
func (e *Emulator) SetDown(down bool) { e.outage.Set(down) }

// SetRateLimit sets the requests per minute (0: unlimited) and starts a new window.
func (e *Emulator) SetRateLimit(perMinute int) { e.window.SetLimit(perMinute) }

// Calls lists the requests received, oldest first.
func (e *Emulator) Calls() []emulator.Call { return e.rec.Calls() }

// Package cxoneemu emulates one NICE CXone business unit's agent-state surface over HTTP, as the vendor
// reference describes it (section "6. NICE CXone"): access-key authentication to a bearer token
// (POST /authentication/v1/token/access-key), the legacy inContact token (POST
// /InContactAuthorizationServer/Token: an application's basic credentials and an agent's password,
// answering the API base in resource_server_base_uri, on the host the client used), the Admin API's
// agents (skip/top paging), teams and their unavailable codes, the Real-Time Data API's agent states
// (with updatedSince for polling), and the Agent API's sessions: start one (logging the agent in),
// join an agent's session, set Available or Unavailable with a reason, long-poll get-next-event for
// the session's AgentState events, and end it. Paths are case-insensitive, as CXone's are.
//
// Its states, for State and Change, are the CXone adapter's vocabulary: "Available", "Unavailable"
// (the default code), "unavailable:<code name>", the system states "InboundContact",
// "OutboundContact", "InboundConsult", "OutboundConsult", "Dialer", "DialerPending", "AfterCallWork"
// and "Refused", and "LoggedOut". Change from LoggedOut logs the agent in (a new session); Change to
// LoggedOut ends the session.
//
// What the API refuses, as CXone does: any state but Available and Unavailable (+ reason); a session
// for an agent who is not logged in (400 AgentNotLoggedIn); a reason that is not one of the agent's
// team's active unavailable codes (400 InvalidUnavailableCode); any change during After Call Work
// (409). During a contact the requested state is accepted (202) and becomes the agent's next state,
// applied when the contact ends (FinishContact).
//
// Choices where CXone's behaviour is unconfirmed: the error bodies ({"error", "error_description"}),
// the agentStateId numbers, the X-RateLimit-Limit/-Remaining/-Reset headers and the per-minute budget
// (CXone documents none), that updatedSince is inclusive, and that the token endpoints share the API's
// host (in CXone they are on the area's auth host); the legacy token's error bodies; that starting a
// session for a logged-in agent is 409 AgentAlreadyLoggedIn; get-next-event's event fields beyond
// Type (CurrentState, CurrentOutReason, IsACW "True"/"False", StartTimeUTC, AgentId), its SessionEnd
// event when the session ends, its default timeout (10 s) and maximum (60 s), and 304 when nothing
// happened. CXone has no agent-state webhooks: AddWebhook does nothing and changes are read by
// polling.
package cxoneemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Demo credentials and defaults used when Options leaves them empty.
const (
	DefaultAccessKeyID     = "CXONEDEMOACCESSKEYID"
	DefaultAccessKeySecret = "cxone-demo-access-key-secret"
	// DefaultAPIVersion is the version the adapter uses; any vN.0 is served.
	DefaultAPIVersion = "v30.0"
	// DefaultTokenTTL is an access token's life (expires_in 3600).
	DefaultTokenTTL = time.Hour
	// DefaultRatePerMinute is the business unit's request budget (CXone documents none).
	DefaultRatePerMinute = 1000
	// businessUnitID is the emulated business unit's number.
	businessUnitID = 4600001
)

// Options configure an emulated business unit. The zero value works, with demo credentials.
type Options struct {
	Log *slog.Logger
	// AccessKeyID and AccessKeySecret are the access key of the integration user.
	AccessKeyID, AccessKeySecret string
	TokenTTL                     time.Duration
	// AgentPassword is every agent's password for the legacy password grant (default
	// DefaultAgentPassword).
	AgentPassword string
	// RatePerMinute is requests per minute: 0 means DefaultRatePerMinute, negative unlimited.
	RatePerMinute int
}

// Emulator is one CXone business unit. It implements emulator.Emulator.
type Emulator struct {
	opts Options
	log  *slog.Logger
	emulator.Base
	handler http.Handler

	mu       sync.Mutex
	seq      int64
	tokens   map[string]time.Time // access token → expiry
	agents   []*agent
	byID     map[int64]*agent
	teams    []*team
	codes    []*code
	sessions map[string]int64 // session id → agent id
	// tokenAgent is the agent a legacy token acts as; refresh maps refresh tokens to agents.
	tokenAgent map[string]int64
	refresh    map[string]int64
	queues     map[string]*queue // agent-session events, by session id
	ended      []string          // ended sessions whose queues wait for a last poll, oldest first
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns a business unit with the default teams and unavailable codes and no agents.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = DefaultAccessKeySecret
	}
	if opts.AgentPassword == "" {
		opts.AgentPassword = DefaultAgentPassword
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	e := &Emulator{opts: opts, log: opts.Log, seq: 30000, tokens: map[string]time.Time{}, byID: map[int64]*agent{}, sessions: map[string]int64{},
		tokenAgent: map[string]int64{}, refresh: map[string]int64{}, queues: map[string]*queue{}}
	e.Window.SetLimit(opts.RatePerMinute)
	e.seedTeams()
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the token endpoint and the inContactAPI.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "cxone".
func (e *Emulator) Vendor() string { return "cxone" }

// Credentials are the keys the cxone adapter reads: access_key_id and access_key_secret.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"access_key_id": e.opts.AccessKeyID, "access_key_secret": e.opts.AccessKeySecret}
}

// Settings name the API version.
func (e *Emulator) Settings() map[string]string {
	return map[string]string{"api_version": DefaultAPIVersion}
}

// AddWebhook does nothing: CXone pushes no agent-state webhooks; the adapter polls.
func (e *Emulator) AddWebhook(string) {}

// Sign returns no headers: there are no webhooks to sign.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// ExpireTokens ends every access token.
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	clear(e.tokens)
	e.mu.Unlock()
}

// now is the business unit's clock: UTC, to the millisecond (the API's precision).
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

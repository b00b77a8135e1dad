// Package salesforceemu emulates one Salesforce org's Omni-Channel presence surface over HTTP, as the
// vendor reference describes it (section "3. Salesforce Omni-Channel"): OAuth 2.0 on the org's My
// Domain (client credentials, and the username-password flow when the org allows it), sessions that
// expire (401 INVALID_SESSION_ID), SOQL queries on User, ServicePresenceStatus and UserServicePresence
// with nextRecordsUrl paging, retrieve (GET /sobjects/{type}/{id}, fields=), basic describe (global,
// per object, /describe) and the version's resource list, the Sforce-Limit-Info header and
// REQUEST_LIMIT_EXCEEDED, and the Presence_Change__e platform event the hub publishes. A token's
// identity URL ("id") is on the host the client used (/id/{org}/{user}, served with the session's
// bearer token) and names the connected app's run-as user (IntegrationUsername), which is in User.
//
// Salesforce lets no server set an agent's Omni-Channel status: UserServicePresence has no
// create/update. Only the Omni-Channel toolkit in the agent's browser can. The emulator therefore also
// plays the part of the Presence Hub utility-bar component (installers/salesforce): after ApplyDelay it
// applies a published Presence_Change__e to the agent, but only while the agent is logged in to Omni
// and has the console open — otherwise the event is published and nothing happens, as in a real org.
//
// States, for State and Change, are the Salesforce adapter's vocabulary: a presence status's
// DeveloperName, or "Offline" (no UserServicePresence row with IsCurrentState = true). Change to a
// status logs a logged-out agent in; Change to "Offline" logs the agent out.
//
// Choices where Salesforce's behaviour is unconfirmed: UserServicePresence ids start 0Hn and event ids
// e00; an identity URL of another org or user answers 404 "Bad_Id"; the resource list names only
// the resources the emulator serves; create or update of UserServicePresence is 400
// INVALID_TYPE_FOR_OPERATION; sessions last SessionTTL (2 h); the request allocation is a per-minute window (SetRateLimit),
// standing in for the rolling 24-hour allocation so tests can exhaust it; Salesforce has no webhooks
// here, so AddWebhook does nothing (changes are read by polling).
package salesforceemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Demo credentials and defaults used when Options leaves them empty.
const (
	DefaultClientID     = "3MVG9salesforce.demo.consumer.key"
	DefaultClientSecret = "salesforce-demo-consumer-secret"
	// DefaultAPIVersion is the REST version the adapter and the demo use; any vNN.0 is served.
	DefaultAPIVersion = "v60.0"
	// DefaultSessionTTL is how long an access token works (the org's session timeout).
	DefaultSessionTTL = 2 * time.Hour
	// DefaultApplyDelay is how long the utility-bar component takes to apply a published event.
	DefaultApplyDelay = 50 * time.Millisecond
	// DefaultLoginStatus is the status agents added with AddUser are logged in to Omni with.
	DefaultLoginStatus = "Busy"
	// DefaultAllocation is the request allocation per window (see SetRateLimit).
	DefaultAllocation = 100000
)

// Options configure an emulated org. The zero value is a working org with demo credentials, the
// client-credentials flow on and the username-password flow off (as in orgs created since Summer '23).
type Options struct {
	Log *slog.Logger
	// ClientID and ClientSecret are the external client app's consumer key and secret.
	ClientID, ClientSecret string
	// Username and Password (password + security token) enable the username-password flow when both
	// are set.
	Username, Password string
	SessionTTL         time.Duration
	ApplyDelay         time.Duration
	// LoginStatus is the DeveloperName agents start in (default DefaultLoginStatus).
	LoginStatus string
	// Allocation is requests per window: 0 means DefaultAllocation, negative unlimited.
	Allocation int
}

// Emulator is one Salesforce org. It implements emulator.Emulator.
type Emulator struct {
	opts Options
	log  *slog.Logger
	emulator.Base
	handler http.Handler

	mu        sync.Mutex
	closed    bool
	seq       int64
	sessions  map[string]time.Time // access token → expiry
	users     []*user
	byID      map[string]*user
	statuses  []*status
	presences []*presence
	events    []Event
	cursors   map[string]*cursor // open query locators
	runAs     string             // the run-as user's id
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an org with the default presence statuses and no agents.
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
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.ApplyDelay <= 0 {
		opts.ApplyDelay = DefaultApplyDelay
	}
	if opts.LoginStatus == "" {
		opts.LoginStatus = DefaultLoginStatus
	}
	switch {
	case opts.Allocation == 0:
		opts.Allocation = DefaultAllocation
	case opts.Allocation < 0:
		opts.Allocation = 0
	}
	e := &Emulator{opts: opts, log: opts.Log, seq: 1000, sessions: map[string]time.Time{}, byID: map[string]*user{},
		cursors: map[string]*cursor{}}
	e.Window.SetLimit(opts.Allocation)
	for _, s := range defaultStatuses {
		e.AddStatus(s.developerName, s.masterLabel, s.channels...)
	}
	e.runAs = e.addUser(IntegrationUsername, integrationName, false)
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the org's REST API and its OAuth token endpoint.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "salesforce".
func (e *Emulator) Vendor() string { return "salesforce" }

// Credentials are the keys the salesforce adapter reads: client_id and client_secret, plus username
// and password when the username-password flow is on.
func (e *Emulator) Credentials() map[string]string {
	c := map[string]string{"client_id": e.opts.ClientID, "client_secret": e.opts.ClientSecret}
	if e.passwordFlow() {
		c["username"], c["password"] = e.opts.Username, e.opts.Password
	}
	return c
}

// Settings name the REST API version.
func (e *Emulator) Settings() map[string]string {
	return map[string]string{"api_version": DefaultAPIVersion}
}

// AddWebhook does nothing: Salesforce pushes no webhooks; the adapter polls.
func (e *Emulator) AddWebhook(string) {}

// Sign returns no headers: there are no webhooks to sign.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// Close stops applying published events.
func (e *Emulator) Close() {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
}

// ExpireSessions ends every access token, as a session timeout or an admin's revocation would.
func (e *Emulator) ExpireSessions() {
	e.mu.Lock()
	clear(e.sessions)
	e.mu.Unlock()
}

func (e *Emulator) passwordFlow() bool { return e.opts.Username != "" && e.opts.Password != "" }

// now is the org's clock: UTC, to the millisecond (Salesforce's datetime precision).
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// Package teamsemu emulates one Microsoft Entra tenant's Microsoft Graph presence API over HTTP
// (vendor API reference, "8. Microsoft Graph — Teams presence"): the Entra ID v2 token endpoint
// (client credentials, and the refresh-token grant of a delegated sign-in), /v1.0/users with $top,
// $filter and @odata.nextLink paging, presence reads (one user, or up to 650 through
// getPresencesByUserId), the two write layers (application presence sessions through setPresence /
// clearPresence, and the user's preferred presence), change-notification subscriptions (validation
// handshake, clientState, resourceData, lifecycle notifications, expiry) and the throttle (429 with
// Retry-After and Graph's error JSON).
//
// Presence is aggregated as Teams does: with no presence session at all (neither the Teams client
// signed in nor a live application session) the user is Offline; otherwise the user's preferred
// presence wins, and without one the strongest session does (DoNotDisturb > Busy > Available >
// BeRightBack/Away). The Teams client is a session of its own: Available, or the system states the
// agent's side starts (InACall, InAMeeting, Presenting). Sessions and preferred presence expire on the
// injected clock (Options.Clock); expiry is noticed, and notified, at the next request or read.
//
// Choices where Graph's behaviour is not pinned down by the reference:
//   - The token endpoint is served at /{tenant}/oauth2/v2.0/token on the same listener; the client
//     authenticates in the form body (client_secret_post). Client-credentials scope must be
//     https://graph.microsoft.com/.default.
//   - Presence subscriptions need a delegated token (the refresh-token grant), as Graph documents;
//     Options.AppOnlySubscriptions lifts that. includeResourceData=true needs an
//     encryptionCertificate (400 otherwise); notifications then still carry only the resourceData id
//     (the emulator does not encrypt), so adapters subscribe without resource data.
//   - getPresencesByUserId leaves unknown ids out of its answer.
//   - Expired sessions end at once (no AvailableIdle step).
package teamsemu

import (
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/logkey"
)

// Demo credentials used when Options leaves them empty.
const (
	DefaultTenantID     = "7d3c0ffe-e0c0-4ffe-9e0c-0ffee0c0ffee"
	DefaultClientID     = "5e1a7ea5-0000-4000-8000-00000000c11e"
	DefaultClientSecret = "teams-demo-secret"
	DefaultRefreshToken = "teams-demo-refresh-token"
	DefaultClientState  = "teams-demo-client-state"
	// DefaultTokenTTL is how long an access token lasts (Entra's typical expires_in: 3599).
	DefaultTokenTTL = 3599 * time.Second
	// DefaultRatePerMinute is the tenant's presence budget (10,000 requests per 30 s).
	DefaultRatePerMinute = 20000
	// GraphScope is the client-credentials scope Entra requires.
	GraphScope = "https://graph.microsoft.com/.default"
)

// Options configure an emulated tenant.
type Options struct {
	Log *slog.Logger
	// Clock times tokens, sessions, preferred presence and subscriptions (nil: the wall clock).
	Clock clock.Clock
	// TenantID, ClientID and ClientSecret are the app registration's.
	TenantID, ClientID, ClientSecret string
	// RefreshToken is the delegated sign-in's refresh token (the service account's).
	RefreshToken string
	// ClientState is the notification secret the demo's credentials carry.
	ClientState string
	// TokenTTL is how long an access token lasts (0: DefaultTokenTTL).
	TokenTTL time.Duration
	// RatePerMinute is the request budget (0: DefaultRatePerMinute, negative: unlimited).
	RatePerMinute int
	// AppOnlySubscriptions lets an application token create presence subscriptions (Graph refuses).
	AppOnlySubscriptions bool
	// HTTPClient sends validation requests and notifications (nil: a client with a 10 s timeout).
	HTTPClient *http.Client
	// Settings are added to Settings() (a connection's write_mode, say).
	Settings map[string]string
}

// Emulator is one Entra tenant's Graph presence API. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	clock   clock.Clock
	handler http.Handler
	sender  *emulator.Sender
	emulator.Base

	flushMu sync.Mutex // one flush at a time, so notifications keep their order
	mu      sync.Mutex
	outq    []emulator.Delivery // notifications waiting for flush
	users   map[string]*user
	order   []string
	tokens  map[string]token
	subs    map[string]*subscription
	seq     int64
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an empty tenant.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&opts.TenantID, DefaultTenantID)
	def(&opts.ClientID, DefaultClientID)
	def(&opts.ClientSecret, DefaultClientSecret)
	def(&opts.RefreshToken, DefaultRefreshToken)
	def(&opts.ClientState, DefaultClientState)
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: validationTimeout}
	}
	e := &Emulator{opts: opts, clock: clock.OrReal(opts.Clock), users: map[string]*user{}, tokens: map[string]token{},
		subs: map[string]*subscription{}, sender: emulator.NewSender(opts.Log)}
	e.sender.HTTP = opts.HTTPClient
	e.Window.SetLimit(opts.RatePerMinute)
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the token endpoint and Graph.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Close stops delivering notifications.
func (e *Emulator) Close() { e.sender.Close() }

// Vendor is "teams".
func (e *Emulator) Vendor() string { return "teams" }

// Credentials are the keys the teams adapter reads.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"tenant_id": e.opts.TenantID, "client_id": e.opts.ClientID, "client_secret": e.opts.ClientSecret,
		"refresh_token": e.opts.RefreshToken, "client_state": e.opts.ClientState}
}

// Settings point the adapter's token requests at this listener (the real endpoint is
// login.microsoftonline.com).
func (e *Emulator) Settings() map[string]string {
	out := map[string]string{"login_url": "/"}
	maps.Copy(out, e.opts.Settings)
	return out
}

// AddWebhook subscribes nothing: Graph's subscriptions are created through the API
// (POST /v1.0/subscriptions), by the adapter.
func (e *Emulator) AddWebhook(url string) {
	e.opts.Log.Debug("graph subscriptions are created through the API; not subscribing", slog.String(logkey.URL, url))
}

// NotificationSetting is the connection setting that names the hub's webhook URL: Graph's
// subscriptions are created by the adapter, to that URL.
func (e *Emulator) NotificationSetting() string { return "notification_url" }

// Sign returns no headers: notifications carry clientState in the body.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// now is the emulator's clock, in UTC.
func (e *Emulator) now() time.Time { return e.clock.Now().UTC() }

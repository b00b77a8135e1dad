// Package genesysemu emulates one Genesys Cloud organization over HTTP (vendor API reference, "7.
// Genesys Cloud"): the OAuth 2.0 client-credentials token endpoint (on the login host, served here on
// the same listener), the users list (pageSize/pageNumber paging, expand=presence,routingStatus) and
// the email search, presence definitions (the system presences and the org's own), a user's PURECLOUD
// presence (read and PATCH), the routing status (set by the system: queue activity, interactions), the
// Notifications API (channels, topic subscriptions, the channel's websocket with events, heartbeats,
// the 24 h expiry), the rate-limit headers and 429s, and Genesys's error body.
//
// Genesys pushes changes over the notification websocket rather than webhooks, so AddWebhook
// subscribes nothing.
//
// Choices where Genesys's behaviour is undocumented or unconfirmed:
//   - Tokens last Options.TokenTTL (default 86399 s, the documented default). An unknown or expired
//     token is a 401 (code "bad.credentials").
//   - systemPresence values are written as the definitions spell them ("On Queue"); the API's casing
//     differs between endpoints, so every input is matched case-insensitively with spaces and
//     underscores alike.
//   - Setting a presence other than On Queue takes the agent off queue (OFF_QUEUE) unless an
//     interaction is in progress: that lasts, and the agent is OFF_QUEUE once it ends. On Queue makes
//     the routing status IDLE. An interaction (the agent side's call) is INTERACTING whatever the
//     presence; a refused alert is NOT_RESPONDING until the agent picks a presence again.
//   - The streaming host is this listener: connectUri is ws://{host}/channels/{id}. A channel's
//     websocket may be opened once at a time (a second connection closes the first). The server sends
//     a heartbeat every Options.HeartbeatEvery (30 s) and, when the channel expires (24 h after it was
//     made), a v2.system.socket_closing notice before closing the socket.
//   - Rate-limit headers inin-ratelimit-count/-allowed/-reset (seconds until the window resets) are on
//     every authenticated API answer; over the budget: 429 with Retry-After. Token requests are not
//     counted.
package genesysemu

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/logkey"
)

// Demo credentials and limits used when Options leaves them empty.
const (
	DefaultClientID     = "genesys-demo-client"
	DefaultClientSecret = "genesys-demo-secret"
	// DefaultTokenTTL is the documented default token lifetime (expires_in 86399).
	DefaultTokenTTL = 86399 * time.Second
	// DefaultRatePerMinute is the documented default per OAuth client.
	DefaultRatePerMinute = 300
	// DefaultHeartbeat is how often a channel's websocket hears a heartbeat.
	DefaultHeartbeat = 30 * time.Second
	// ChannelLife is how long a notification channel lives.
	ChannelLife = 24 * time.Hour
	// MaxTopics is how many topics one channel may hold (more is a 400).
	MaxTopics = 1000
	// MaxChannels is how many channels the client may hold (the 21st evicts the oldest).
	MaxChannels = 20
)

// Options configure an emulated organization.
type Options struct {
	Log *slog.Logger
	// Clock drives heartbeats, channel expiry, token expiry and the stamps (nil: the wall clock).
	Clock clock.Clock
	// ClientID and ClientSecret are the OAuth client's credentials.
	ClientID, ClientSecret string
	// TokenTTL is how long an access token lasts (0: DefaultTokenTTL).
	TokenTTL time.Duration
	// RatePerMinute is the client's request budget (0: DefaultRatePerMinute, negative: unlimited).
	RatePerMinute int
	// HeartbeatEvery is the websocket heartbeat interval (0: DefaultHeartbeat).
	HeartbeatEvery time.Duration
	// Definitions are the org's own (secondary) presences (nil: Lunch, Coaching, and a deactivated one).
	Definitions []Definition
}

// Emulator is one Genesys Cloud organization. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	clock   clock.Clock
	handler http.Handler
	emulator.Base

	mu       sync.Mutex
	users    map[string]*user
	order    []string
	tokens   map[string]time.Time // token → expiry
	defs     []Definition         // system primaries first, then the org's own
	channels map[string]*channel
	chanSeq  int
	closed   bool
	down     bool
	pings    atomic.Int64
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an organization without users.
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
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.HeartbeatEvery <= 0 {
		opts.HeartbeatEvery = DefaultHeartbeat
	}
	if opts.Definitions == nil {
		opts.Definitions = []Definition{Lunch, Coaching, Retired}
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	e := &Emulator{opts: opts, clock: clock.OrReal(opts.Clock), users: map[string]*user{}, tokens: map[string]time.Time{},
		channels: map[string]*channel{}}
	e.defs = append(append([]Definition(nil), System...), opts.Definitions...)
	e.Window.SetLimit(opts.RatePerMinute)
	api := e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve)))
	e.handler = emulator.WithAgentSide(e, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isSocket(r) { // the streaming host: outside the API's record, outage and budget
			e.serveSocket(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	return e
}

// ServeHTTP serves the login host, the API and the streaming host.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "genesys".
func (e *Emulator) Vendor() string { return "genesys" }

// Credentials are the keys the genesys adapter reads: client_id and client_secret.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"client_id": e.opts.ClientID, "client_secret": e.opts.ClientSecret}
}

// Settings point the adapter's token requests at this listener (the real endpoint is on the
// region's login host).
func (e *Emulator) Settings() map[string]string {
	return map[string]string{"token_url": "/oauth/token"}
}

// AddWebhook subscribes nothing: Genesys pushes over the notification websocket.
func (e *Emulator) AddWebhook(url string) {
	e.opts.Log.Debug("genesys pushes over notification channels, not webhooks; not subscribing", slog.String(logkey.URL, url))
}

// Sign returns no headers: nothing is delivered by webhook.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// Close ends every channel's websocket and its timers.
func (e *Emulator) Close() {
	e.mu.Lock()
	e.closed = true
	chs := make([]*channel, 0, len(e.channels))
	for _, ch := range e.channels {
		chs = append(chs, ch)
	}
	e.channels = map[string]*channel{}
	e.mu.Unlock()
	for _, ch := range chs {
		ch.stop("the organization is shut down", false)
	}
}

// SetDown makes every API request answer 503 and drops and refuses the channels' websockets (an
// outage of the whole org) until called with false.
func (e *Emulator) SetDown(down bool) {
	e.Base.SetDown(down)
	e.mu.Lock()
	e.down = down
	var open []*session
	for _, ch := range e.channels {
		if down && ch.sess != nil {
			open = append(open, ch.sess)
			ch.sess = nil
		}
	}
	e.mu.Unlock()
	for _, s := range open {
		s.close("service unavailable")
	}
}

// now is the emulator's clock, in UTC, to the millisecond (as Genesys stamps).
func (e *Emulator) now() time.Time { return e.clock.Now().UTC().Truncate(time.Millisecond) }

// stamp formats a time as Genesys does.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

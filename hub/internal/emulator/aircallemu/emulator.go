// Package aircallemu emulates one Aircall company account over HTTP (the Public API at api.aircall.io):
// Basic auth with an api_id/api_token pair, users (v1 and v2, by id or, in v2, email) with their
// availability_status and their numbers (v1: in the user; v2: GET /v2/users/{id}/numbers), the
// read-only operational availabilities, webhook management and token-in-body webhooks, and the
// company-wide per-minute rate limit.
//
// Choices where Aircall's behaviour is undocumented or unconfirmed (vendor API reference, "2. Aircall"):
//   - per_page above 50 is clamped to 50 (meta.per_page says 50), below 1 to 1; a non-numeric page or
//     per_page is a 400. Reading past the 10,000th record of a list is a 400.
//   - The X-AircallApi-Limit/-Remaining/-Reset headers are sent on every authenticated answer (Aircall
//     documents them only on 429s) so clients can pace themselves; Reset is a UNIX time in seconds.
//     Unauthenticated (401/403) requests are not counted and carry none.
//   - Operational availability is derived from the user: a call in progress is in_call, wrap-up is
//     after_call_work, a user whose apps are closed (Change "offline") is offline, availability_status
//     unavailable is do_not_disturb, anything else (available, custom) is available. A "custom" schedule
//     is always open in the emulator.
//   - substatus is always_opened, always_closed or custom (Aircall's list is unconfirmed). Wrap-up has
//     no timer: it lasts until the next Change.
//   - The company has one number, "Support line", and every user is assigned to it.
//   - Every webhook carries the account's single webhook token (Aircall issues one per webhook).
//   - An availability change made through PUT /v1/users/{id} fires the same user.opened/user.closed
//     webhooks as one made in the dashboard: Aircall does not mark API writes.
package aircallemu

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"presencehub.dev/hub/internal/emulator"
)

// Demo credentials used when Options leaves them empty.
const (
	DefaultAPIID        = "aircall-demo-id"
	DefaultAPIToken     = "aircall-demo-secret"
	DefaultWebhookToken = "aircall-demo-webhook-token"
	// DefaultRatePerMinute is Aircall's current company-wide limit (older docs say 60).
	DefaultRatePerMinute = 120
	// DefaultPublicURL is the base of direct_link fields in webhook payloads.
	DefaultPublicURL = "https://api.aircall.io"
)

// Options configure an emulated account.
type Options struct {
	Log *slog.Logger
	// APIID and APIToken are the Basic auth pair; WebhookToken is the token every webhook body carries.
	APIID, APIToken, WebhookToken string
	// RatePerMinute is the company-wide request budget (0: DefaultRatePerMinute, negative: unlimited).
	RatePerMinute int
	// PublicURL is the base of direct_link fields in webhook payloads, which are built outside any
	// request (default DefaultPublicURL). HTTP answers build links from the request's Host instead.
	PublicURL string
}

// Emulator is one Aircall company account. It implements emulator.Emulator.
type Emulator struct {
	opts    Options
	handler http.Handler
	emulator.Base

	// fireMu serialises state changes with the queuing of their webhooks, so deliveries keep the
	// order of the changes; it is always taken before mu.
	fireMu   sync.Mutex
	mu       sync.Mutex
	users    map[int64]*user
	order    []int64
	nextID   int64
	nextCall int64
	hooks    []*webhook
	sender   *emulator.Sender
}

var _ emulator.Emulator = (*Emulator)(nil)

// New returns an empty account.
func New(opts Options) *Emulator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.APIID == "" {
		opts.APIID = DefaultAPIID
	}
	if opts.APIToken == "" {
		opts.APIToken = DefaultAPIToken
	}
	if opts.WebhookToken == "" {
		opts.WebhookToken = DefaultWebhookToken
	}
	if opts.PublicURL == "" {
		opts.PublicURL = DefaultPublicURL
	}
	switch {
	case opts.RatePerMinute == 0:
		opts.RatePerMinute = DefaultRatePerMinute
	case opts.RatePerMinute < 0:
		opts.RatePerMinute = 0
	}
	e := &Emulator{opts: opts, users: map[int64]*user{}, nextID: 456000, nextCall: 812000}
	e.Window.SetLimit(opts.RatePerMinute)
	e.handler = emulator.WithAgentSide(e, e.Rec.Wrap(e.Outage.Wrap(http.HandlerFunc(e.serve))))
	return e
}

// ServeHTTP serves the Public API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }

// Vendor is "aircall".
func (e *Emulator) Vendor() string { return "aircall" }

// Credentials are the keys the aircall adapter reads: api_id, api_token and webhook_token.
func (e *Emulator) Credentials() map[string]string {
	return map[string]string{"api_id": e.opts.APIID, "api_token": e.opts.APIToken, "webhook_token": e.opts.WebhookToken}
}

// Settings are empty: an Aircall connection needs nothing but its credentials.
func (e *Emulator) Settings() map[string]string { return map[string]string{} }

// Sign returns no headers: Aircall webhooks carry their token in the body.
func (e *Emulator) Sign([]byte) http.Header { return http.Header{} }

// Close stops webhook delivery.
func (e *Emulator) Close() {
	e.mu.Lock()
	s := e.sender
	e.mu.Unlock()
	if s != nil {
		s.Close()
	}
}

// now is the emulator's clock, in UTC.
func now() time.Time { return time.Now().UTC() }

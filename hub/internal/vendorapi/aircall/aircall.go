// Package aircall is the Aircall adapter: it reads and sets users' availability through the Aircall
// Public API (Basic auth with a company api_id/api_token pair) and parses Aircall's webhooks, whose
// only proof of origin is the token in the body.
//
// Aircall has two presence vocabularies. The user's availability_status (available, custom,
// unavailable) is the only settable one; the read-only operational availability adds in_call and
// after_call_work (and offline, do_not_disturb). GetState reports in_call and after_call_work while
// they last, else the availability_status. Aircall does not mark changes made through its API, so
// Change.ViaAPI is always false: echo control relies on the hub's own "last written" cache.
package aircall

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// DefaultBaseURL is Aircall's Public API.
const DefaultBaseURL = "https://api.aircall.io"

// Credential keys.
const (
	CredAPIID        = "api_id"
	CredAPIToken     = "api_token"
	CredWebhookToken = "webhook_token"
)

// States (vendorapi.State IDs).
const (
	StateAvailable     = "available"
	StateCustom        = "custom"
	StateUnavailable   = "unavailable"
	StateInCall        = "in_call"
	StateAfterCallWork = "after_call_work"
	StateOffline       = "offline"
	StateDoNotDisturb  = "do_not_disturb"
)

// states is the fixed vocabulary ListStates answers.
var states = []vendorapi.State{
	{ID: StateAvailable, Name: "Available", Settable: true},
	{ID: StateCustom, Name: "Automatic Schedule", Settable: true},
	{ID: StateUnavailable, Name: "Unavailable", Settable: true},
	{ID: StateInCall, Name: "In call", System: true},
	{ID: StateAfterCallWork, Name: "After-call work", System: true},
	{ID: StateOffline, Name: "Offline"},
	{ID: StateDoNotDisturb, Name: "Do not disturb"},
}

// RateHeaders are Aircall's rate-limit headers (Reset is a UNIX time in seconds).
var RateHeaders = vendorapi.RateHeaders{Limit: "X-AircallApi-Limit", Remaining: "X-AircallApi-Remaining", Reset: "X-AircallApi-Reset"}

// Adapter is one Aircall company account.
type Adapter struct {
	client       *vendorapi.Client
	webhookToken string
}

var (
	_ vendorapi.Adapter         = (*Adapter)(nil)
	_ vendorapi.WebhookReceiver = (*Adapter)(nil)
	_ vendorapi.Factory         = New
)

// New builds an adapter from credentials api_id, api_token and webhook_token (all required). An empty
// BaseURL means DefaultBaseURL.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	var missing []string
	for _, k := range []string{CredAPIID, CredAPIToken, CredWebhookToken} {
		if cfg.Credentials[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("aircall: missing credentials %s", strings.Join(missing, ", "))
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	id, token := cfg.Credentials[CredAPIID], cfg.Credentials[CredAPIToken]
	authorize := func(r *http.Request) { r.SetBasicAuth(id, token) }
	return &Adapter{client: vendorapi.NewClient(cfg, authorize, RateHeaders), webhookToken: cfg.Credentials[CredWebhookToken]}, nil
}

// ListStates answers the fixed vocabulary; no request is sent.
func (a *Adapter) ListStates(context.Context) ([]vendorapi.State, error) {
	return append([]vendorapi.State(nil), states...), nil
}

// settable reports whether the API can set state.
func settable(state string) bool {
	for _, s := range states {
		if s.ID == state {
			return s.Settable
		}
	}
	return false
}

// StaticStates is the whole vocabulary: Aircall has no account-specific states.
func (a *Adapter) StaticStates() []vendorapi.State { return append([]vendorapi.State(nil), states...) }

// Dynamic is false: a state not in the vocabulary does not exist.
func (a *Adapter) Dynamic(string) bool { return false }

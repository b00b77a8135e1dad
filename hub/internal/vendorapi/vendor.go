// Package vendorapi is the contract between the hub and the systems agents use (phone systems, helpdesks).
// One Adapter per vendor speaks that vendor's real HTTP API; the sync framework (package sync) only ever
// talks to Adapters, so adding a vendor never touches the presence engine or the outbox.
//
// Vendor states are plain strings chosen by each adapter (ListStates documents them, and rules map them
// to the tenant's catalog). Adapters apply the vendor's own restrictions: SetState on a state the vendor
// does not let an API set answers ErrNotSettable before any request is sent.
package vendorapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// Config is what an adapter needs to reach one vendor account. Credentials are plaintext here: the
// sync framework opens them from the sealed store just before building the adapter.
type Config struct {
	BaseURL     string
	Credentials map[string]string
	Settings    map[string]string
	// Spec is the connection's structured configuration (JSON; the generic HTTP connector's).
	Spec       string
	HTTPClient *http.Client
	Log        *slog.Logger
	// OnRateLimit, when set, receives the vendor's rate-limit headers after every response.
	OnRateLimit func(RateLimit)
	// Clock is the sync framework's clock, for adapters whose writes or subscriptions lapse on the
	// vendor's side, or that keep time themselves (a pushed stream's heartbeat watchdog and renewals);
	// nil is the wall clock.
	Clock clock.Clock
	// Notify, when set, is called by a Poller that hears of changes between polls (a vendor's pushed
	// stream, buffered by the adapter): the framework then polls the connection soon, instead of at
	// the next interval. It must not block.
	Notify func()
}

// RateLimit is what a vendor's response said about its rate limit (zero values: not said).
type RateLimit struct {
	Limit     int
	Remaining int
	// Reset is when the window resets (zero if the vendor did not say).
	Reset time.Time
}

// User is a vendor account's user, for identity matching.
type User struct {
	ExternalID string
	Email      string
	Name       string
	Active     bool
}

// State is one of the vendor's states, for mapping choices.
type State struct {
	// ID is what rules name (the vendor_state of a mapping).
	ID string
	// Name is the vendor's label.
	Name string
	// Settable: the hub can set it through the API (others are only reported, e.g. "in_call").
	Settable bool
	// System: set by the vendor itself while something lasts (a call, after-call work).
	System bool
}

// AgentState is a user's current state in the vendor.
type AgentState struct {
	ExternalID string
	State      string
	UpdateTime time.Time
}

// Change is a state change the vendor reported (webhook or poll).
type Change struct {
	ExternalID string
	State      string
	// ViaAPI: the vendor marks the change as made through its public API (Zendesk reason PUBLIC_API),
	// i.e. most likely the echo of the hub's own write.
	ViaAPI bool
	// EventID is the vendor's event id when it has one (for logs and de-duplication).
	EventID string
	Time    time.Time
}

// Adapter speaks one vendor's API for one account.
type Adapter interface {
	// ListUsers pages through the account's users; cursor "" starts, a returned "" ends.
	ListUsers(ctx context.Context, cursor string) (users []User, next string, err error)
	// ListStates lists the states rules can map.
	ListStates(ctx context.Context) ([]State, error)
	// GetState reads one user's current state.
	GetState(ctx context.Context, externalID string) (AgentState, error)
	// SetState sets one user's state; ErrNotSettable (without a request) for states the API cannot set.
	SetState(ctx context.Context, externalID, state string) error
}

// WebhookReceiver is implemented by adapters of vendors that push changes.
type WebhookReceiver interface {
	// ParseWebhook verifies a delivery (ErrBadSignature) and parses it (ErrMalformed). A valid delivery
	// about something other than agent state answers no changes and no error.
	ParseWebhook(header http.Header, body []byte) ([]Change, error)
}

// Poller is implemented by adapters of vendors that must be asked for changes.
type Poller interface {
	// Poll returns changes since cursor ("" = start now) and the next cursor.
	Poll(ctx context.Context, cursor string) (changes []Change, next string, err error)
}

// Factory builds an adapter for one account.
type Factory func(Config) (Adapter, error)

// Vendor describes one vendor the hub connects to, in one place (package vendors lists them): its
// name, how a connection's adapter is built, its default pace and the credentials the hub makes
// itself. What its adapter can do (webhooks, polls, read-back) is told by the adapter's interfaces.
type Vendor struct {
	// Name is the vendor name connections use.
	Name string
	// New builds a connection's adapter.
	New Factory
	// RatePerMinute paces a connection's requests when its settings name no rate_limit_per_minute:
	// below the vendor's documented account-wide limit, which other integrations share.
	RatePerMinute int
	// Generate makes, by credential key, the credentials the hub creates itself for a new connection
	// when the admin supplies none.
	Generate map[string]func() (string, error)
}

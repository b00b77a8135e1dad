// Package talkdesk is the Talkdesk adapter: OAuth 2.0 client credentials (the account's regional
// token endpoint, Basic client auth, scopes, a new token shortly before the old one expires), the
// users list, and the Presence API to read an agent's presence and set its status. Talkdesk documents
// no agent-status webhook, so the adapter is a Poller: each poll reads every user's presence and
// reports what changed.
//
// Vocabulary (vendorapi.State IDs): "available"; "busy:<custom status id>" for each custom Busy
// status; "away" (the generic Busy), "offline" and "on_call" (a voice interaction in progress) are
// only read. Seed 000's rules are enforced here:
//   - a status can only be changed to Available or a custom Busy status (anything else is
//     vendorapi.ErrNotSettable before any request);
//   - an agent who is Offline or On a Call is never changed: SetState reads the presence first and
//     answers a *vendorapi.BusyError instead of writing. With the setting when_busy=wait (default)
//     the hub's write waits, and until it lands the adapter holds back that agent's own reports (the
//     end of the call must not cancel the hub's newer choice); with when_busy=drop it is dropped.
package talkdesk

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
)

// Setting keys.
const (
	// SettingAccount is the account name: the token endpoint is https://{account}.talkdeskid.com.
	SettingAccount = "account"
	// SettingRegion is us (default), eu or ca: it picks the identity and API hosts.
	SettingRegion = "region"
	// SettingTokenURL overrides the token endpoint: an absolute URL, or a path on the base URL.
	SettingTokenURL = "token_url"
	// SettingScopes overrides the requested scopes (space-separated).
	SettingScopes = "scopes"
	// SettingWhenBusy is "wait" (default) or "drop": what a write to an Offline or On a Call agent does.
	SettingWhenBusy = "when_busy"
)

// States (vendorapi.State IDs).
const (
	StateAvailable = "available"
	StateAway      = "away"
	StateOffline   = "offline"
	StateOnCall    = "on_call"
	// BusyPrefix starts a custom Busy status's id: "busy:<custom status id>".
	BusyPrefix = "busy:"
)

// DefaultScopes are what the adapter needs.
const DefaultScopes = "users:read presence-user:read presence-status:write"

// regions maps a region to its identity host suffix and API base URL.
var regions = map[string]struct{ identity, api string }{
	"us": {".talkdeskid.com", "https://api.talkdeskapp.com"},
	"eu": {".talkdeskid.eu", "https://api.talkdeskapp.eu"},
	"ca": {".talkdeskidca.com", "https://api.talkdeskappca.com"},
}

// Rate are the rate-limit headers (Talkdesk's are unconfirmed; these are the common ones).
var Rate = vendorapi.RateHeaders{Limit: "X-RateLimit-Limit", Remaining: "X-RateLimit-Remaining", Reset: "X-RateLimit-Reset"}

// Adapter is one Talkdesk account. It implements vendorapi.Adapter and vendorapi.Poller.
type Adapter struct {
	client   *vendorapi.Client
	tokens   *vendorapi.OAuthTokens
	clientID string
	drop     bool

	mu       sync.Mutex
	custom   map[string]string // custom Busy status id → name
	loadedAt time.Time
	held     map[string]time.Time // user → when a write to it was last held back (when_busy=wait)
}

var (
	_ vendorapi.Factory = New
	_ vendorapi.Poller  = (*Adapter)(nil)
)

// New builds an adapter from credentials client_id and client_secret and settings account or
// token_url, region, scopes and when_busy. An empty BaseURL means the region's API host.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	id, secret := cfg.Credentials[CredClientID], cfg.Credentials[CredClientSecret]
	if id == "" || secret == "" {
		return nil, fmt.Errorf("talkdesk: credentials need %q and %q", CredClientID, CredClientSecret)
	}
	region := strings.ToLower(cfg.Settings[SettingRegion])
	if region == "" {
		region = "us"
	}
	hosts, ok := regions[region]
	if !ok {
		return nil, fmt.Errorf("talkdesk: setting %q is %q; want us, eu or ca", SettingRegion, region)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = hosts.api
	}
	tokenURL := cfg.Settings[SettingTokenURL]
	switch {
	case strings.HasPrefix(tokenURL, "/"):
		tokenURL = strings.TrimRight(cfg.BaseURL, "/") + tokenURL
	case tokenURL != "":
	case cfg.Settings[SettingAccount] != "":
		tokenURL = "https://" + cfg.Settings[SettingAccount] + hosts.identity + "/oauth/token"
	default:
		return nil, fmt.Errorf("talkdesk: set %q (the account name) or %q", SettingAccount, SettingTokenURL)
	}
	drop := false
	switch wb := cfg.Settings[SettingWhenBusy]; wb {
	case "", "wait":
	case "drop":
		drop = true
	default:
		return nil, fmt.Errorf("talkdesk: setting %q is %q; want wait or drop", SettingWhenBusy, wb)
	}
	scopes := cfg.Settings[SettingScopes]
	if scopes == "" {
		scopes = DefaultScopes
	}
	a := &Adapter{clientID: id, drop: drop, held: map[string]time.Time{}}
	a.tokens = newTokens(cfg, tokenURL, id, secret, scopes)
	a.client = vendorapi.NewClient(cfg, a.tokens.Authorize, Rate)
	return a, nil
}

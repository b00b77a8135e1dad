// Package genesys is the Genesys Cloud (CX) adapter: OAuth 2.0 client credentials on the region's
// login host (Basic client auth; a new token shortly before the old one expires, once more on a 401),
// the users list (pageSize/pageNumber), presence definitions as the vendor's states, a user's
// PURECLOUD presence read and set (PATCH with the definition's id), and the routing status read as
// system states. Changes are pushed over the Notifications API: the adapter keeps a notification
// channel's websocket open (stream.go: the users' presence and routingStatus topics, in batches of at
// most 1,000 topics per channel; a heartbeat watchdog; the channel re-created before its 24 h expiry)
// and feeds what it hears to the framework as a Poller — Poll hands over the buffered changes, and
// reads every user (the fallback) whenever the stream may have missed something.
//
// Vocabulary (vendorapi.State IDs):
//   - a system presence's primary definition by its key: "available", "away", "busy", "break", "meal",
//     "meeting", "training", "on_queue" (settable), "idle" and "offline" (only read: the Genesys client
//     sets Idle on inactivity and may override Offline);
//   - the org's own (secondary) definitions: "presence:<definition id>" (settable);
//   - the routing status while it is not the presence's doing: "interacting" (an ACD interaction),
//     "communicating" (a non-ACD one), "not_responding" (an alert not answered) — system states, never
//     set by the hub.
package genesys

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
)

// Setting keys.
const (
	// SettingRegion is the org's region domain (default mypurecloud.com): the API is
	// https://api.{region}, the token endpoint https://login.{region}/oauth/token.
	SettingRegion = "region"
	// SettingTokenURL overrides the token endpoint: an absolute URL, or a path on the base URL.
	SettingTokenURL = "token_url"
	// SettingNotifications is "stream" (the default: changes pushed over a notification channel, polls
	// served from it) or "poll" (every poll reads every user: for a network that lets no websocket out).
	SettingNotifications = "notifications"
)

// Regions are the region domains the adapter knows.
var Regions = []string{"mypurecloud.com", "mypurecloud.ie", "mypurecloud.de", "mypurecloud.jp", "mypurecloud.com.au",
	"usw2.pure.cloud", "use2.us-gov-pure.cloud", "cac1.pure.cloud", "euw2.pure.cloud", "euc2.pure.cloud", "aps1.pure.cloud",
	"apne2.pure.cloud", "apne3.pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud"}

// Rate are Genesys's rate-limit headers: requests spent, allowed, and seconds until the window resets.
var Rate = vendorapi.RateHeaders{Limit: "inin-ratelimit-allowed", Used: "inin-ratelimit-count", Reset: "inin-ratelimit-reset", ResetIsDelay: true}

// Adapter is one Genesys Cloud org. It implements vendorapi.Adapter, vendorapi.Poller and
// vendorapi.StaticStates.
type Adapter struct {
	client *vendorapi.Client
	tokens *vendorapi.OAuthTokens
	http   *http.Client
	clock  clock.Clock
	log    *slog.Logger
	notify func()
	stream *stream
	// pollOnly: no notification channel (SettingNotifications "poll").
	pollOnly bool

	mu       sync.Mutex
	defs     map[string]definition // by id
	loadedAt time.Time
}

var (
	_ vendorapi.Factory      = New
	_ vendorapi.Poller       = (*Adapter)(nil)
	_ vendorapi.StaticStates = (*Adapter)(nil)
)

// New builds an adapter from credentials client_id and client_secret and settings region and
// token_url. An empty BaseURL means the region's API host.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	id, secret := cfg.Credentials[CredClientID], cfg.Credentials[CredClientSecret]
	if id == "" || secret == "" {
		return nil, fmt.Errorf("genesys: credentials need %q and %q", CredClientID, CredClientSecret)
	}
	region := strings.ToLower(strings.TrimSpace(cfg.Settings[SettingRegion]))
	if region == "" {
		region = Regions[0]
	}
	if !slices.Contains(Regions, region) {
		return nil, fmt.Errorf("genesys: setting %q is %q; want one of %s", SettingRegion, region, strings.Join(Regions, ", "))
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api." + region
	}
	tokenURL := cfg.Settings[SettingTokenURL]
	switch {
	case strings.HasPrefix(tokenURL, "/"):
		tokenURL = strings.TrimRight(cfg.BaseURL, "/") + tokenURL
	case tokenURL == "":
		tokenURL = "https://login." + region + "/oauth/token"
	case !strings.HasPrefix(tokenURL, "https://") && !strings.HasPrefix(tokenURL, "http://"):
		return nil, fmt.Errorf("genesys: setting %q is %q; want an absolute URL or a path", SettingTokenURL, tokenURL)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch cfg.Settings[SettingNotifications] {
	case "", "stream", "poll":
	default:
		return nil, fmt.Errorf("genesys: setting %q is %q; want stream or poll", SettingNotifications, cfg.Settings[SettingNotifications])
	}
	a := &Adapter{clock: clock.OrReal(cfg.Clock), log: log, notify: cfg.Notify, pollOnly: cfg.Settings[SettingNotifications] == "poll"}
	a.tokens = newTokens(cfg, tokenURL, id, secret)
	a.client = vendorapi.NewClient(cfg, a.tokens.Authorize, Rate)
	a.http = a.client.HTTP
	a.stream = newStream(a)
	return a, nil
}

// Close stops the notification stream: the framework closes an adapter it replaces, and every adapter
// when its polls stop (leadership lost, shutdown). A later Poll starts the stream again.
func (a *Adapter) Close() error {
	a.stream.close()
	return nil
}

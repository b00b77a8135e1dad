// Package zendesk is the vendor adapter for Zendesk agent presence. With omnichannel routing (the
// default, settings api=unified) it reads the Agent Availability API and sets the Unified Agent Status;
// for voice-only accounts (api=talk) it reads and sets the Talk availabilities agent_state. Changes
// arrive as signed webhooks (agent.unified_state_changed, or agent.state_changed for Talk), whose
// reason PUBLIC_API marks the echo of an API write.
//
// States (vendorapi.State.ID): the default unified statuses by name, "online", "offline", "away" and
// "transfers_only", and custom statuses as "custom:<id>"; in talk mode the four Talk agent_states,
// which share those names. Every state is settable.
package zendesk

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredEmail         = "email"
	CredAPIToken      = "api_token"
	CredOAuthToken    = "oauth_token"
	CredWebhookSecret = "webhook_secret"
)

// Setting keys and values.
const (
	// SettingAPI chooses the presence API: APIUnified (default) or APITalk.
	SettingAPI = "api"
	APIUnified = "unified"
	APITalk    = "talk"
	// SettingSubdomain builds the base URL https://{subdomain}.zendesk.com when none is configured.
	SettingSubdomain = "subdomain"
)

// Rate are Zendesk's rate-limit headers.
var Rate = vendorapi.RateHeaders{Limit: "X-Rate-Limit", Remaining: "X-Rate-Limit-Remaining"}

// Adapter speaks one Zendesk account's API. It implements vendorapi.Adapter and vendorapi.WebhookReceiver.
type Adapter struct {
	client *vendorapi.Client
	talk   bool
	secret []byte

	mu       sync.Mutex
	custom   map[int64]string // custom unified status id → name, from the last status list
	loadedAt time.Time
}

var (
	_ vendorapi.Factory         = New
	_ vendorapi.WebhookReceiver = (*Adapter)(nil)
)

// New builds an adapter. Credentials: "oauth_token" (Bearer), or "email" and "api_token" (Basic
// "{email}/token:{api_token}"; the email may also come from settings); "webhook_secret" verifies
// webhooks. Settings: "api" = "unified" or "talk"; "subdomain" when cfg.BaseURL is empty.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	if cfg.BaseURL == "" && cfg.Settings[SettingSubdomain] != "" {
		cfg.BaseURL = "https://" + cfg.Settings[SettingSubdomain] + ".zendesk.com"
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("zendesk: no base URL (set it, or the \"subdomain\" setting)")
	}
	authorize, err := authorizer(cfg)
	if err != nil {
		return nil, err
	}
	a := &Adapter{secret: []byte(cfg.Credentials[CredWebhookSecret])}
	switch api := cfg.Settings[SettingAPI]; api {
	case "", APIUnified:
	case APITalk:
		a.talk = true
	default:
		return nil, fmt.Errorf("zendesk: setting %q is %q; want %q or %q", SettingAPI, api, APIUnified, APITalk)
	}
	a.client = vendorapi.NewClient(cfg, authorize, Rate)
	return a, nil
}

func authorizer(cfg vendorapi.Config) (func(*http.Request), error) {
	if tok := cfg.Credentials[CredOAuthToken]; tok != "" {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }, nil
	}
	email := cfg.Credentials[CredEmail]
	if email == "" {
		email = cfg.Settings[CredEmail]
	}
	token := cfg.Credentials[CredAPIToken]
	if email == "" || token == "" {
		return nil, fmt.Errorf("zendesk: credentials need %q, or %q with %q", CredOAuthToken, CredAPIToken, CredEmail)
	}
	user := strings.TrimSuffix(email, "/token") + "/token"
	return func(r *http.Request) { r.SetBasicAuth(user, token) }, nil
}

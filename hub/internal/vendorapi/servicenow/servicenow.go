// Package servicenow is the ServiceNow Advanced Work Assignment (AWA) adapter: it reads and sets an
// agent's presence through the AWA Agent API (/api/now/awa/agents/{user sys_id}), lists users and
// presence states through the Table API (sysparm_limit / sysparm_offset, following the Link header),
// and authenticates with Basic auth or OAuth (password grant, then refresh-token grant, form-encoded).
//
// ServiceNow has no presence webhook. The adapter is a Poller (awa_agent_presence rows updated since
// the last poll; the setting poll=off turns it off) and also a WebhookReceiver for the business rule
// shipped in installers/servicenow/, which POSTs every presence change signed with the connection's
// inbound secret (credential inbound_secret: base64, as GenerateInboundSecret makes it). Changes
// carry the row's sys_mod_count, so a change seen both ways, or late, is reported once and never
// after a newer one. A change made by the integration user is marked ViaAPI (the echo of a write).
//
// Vocabulary (vendorapi.State IDs): the out-of-box states "available", "away" and "offline" (their
// sys_ids are the same on every instance) and "state:<sys_id>" for the instance's own states. Active
// states are settable; inactive ones are listed but refused.
package servicenow

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Credential keys.
const (
	CredUsername      = "username"
	CredPassword      = "password"
	CredClientID      = "client_id"
	CredClientSecret  = "client_secret"
	CredInboundSecret = "inbound_secret"
)

// Setting keys.
const (
	// SettingInstance builds the base URL https://{instance}.service-now.com when none is configured.
	SettingInstance = "instance"
	// SettingPoll is "on" (default) or "off" (only the business rule's calls report changes).
	SettingPoll = "poll"
	// SettingChannels lists service channel sys_ids (comma-separated) to make available with an
	// available state and unavailable with the others; empty leaves channels as they are.
	SettingChannels = "channels"
)

// Out-of-box presence states.
const (
	StateAvailable = "available"
	StateAway      = "away"
	StateOffline   = "offline"
	// StatePrefix starts any other state's id: "state:<awa_presence_state sys_id>".
	StatePrefix = "state:"
)

// oob are the out-of-box states, whose sys_ids are the same on every instance.
var oob = []struct{ id, sysID, name string }{
	{StateAvailable, "0b10223c57a313005baaaa65ef94f970", "Available"},
	{StateAway, "41f9b8dfb31313005baa6e5f26a8dcac", "Away"},
	{StateOffline, "9cd83267575313005baaaa65ef94f98b", "Offline"},
}

// Rate are ServiceNow's rate-limit headers. ServiceNow sends no Remaining header: the adapter's
// transport adds "0" to a 429 that names a limit, so the framework pauses until the reset.
var Rate = vendorapi.RateHeaders{Limit: "X-RateLimit-Limit", Remaining: "X-RateLimit-Remaining", Reset: "X-RateLimit-Reset"}

// Adapter is one ServiceNow instance. It implements vendorapi.Adapter, vendorapi.Poller and
// vendorapi.WebhookReceiver.
type Adapter struct {
	client   *vendorapi.Client
	auth     *auth
	username string
	secret   []byte
	// secretErr says why inbound_secret is unusable (nil when it is fine or absent).
	secretErr error
	poll      bool
	channels  []string

	mu       sync.Mutex
	states   map[string]stateInfo // sys_id → state, from the last list
	loadedAt time.Time
	lastMod  map[string]int // presence row → the newest sys_mod_count reported
}

var (
	_ vendorapi.Factory         = New
	_ vendorapi.Poller          = (*Adapter)(nil)
	_ vendorapi.WebhookReceiver = (*Adapter)(nil)
)

// New builds an adapter. Credentials: username and password (Basic auth), plus client_id and
// client_secret for OAuth; inbound_secret to accept the business rule's calls. Settings: instance
// (when cfg.BaseURL is empty), poll, channels.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	if cfg.BaseURL == "" && cfg.Settings[SettingInstance] != "" {
		cfg.BaseURL = "https://" + cfg.Settings[SettingInstance] + ".service-now.com"
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("servicenow: no base URL (set it, or the \"instance\" setting)")
	}
	c := cfg.Credentials
	if c[CredUsername] == "" || c[CredPassword] == "" {
		return nil, fmt.Errorf("servicenow: credentials need %q and %q", CredUsername, CredPassword)
	}
	if (c[CredClientID] == "") != (c[CredClientSecret] == "") {
		return nil, fmt.Errorf("servicenow: OAuth needs both %q and %q", CredClientID, CredClientSecret)
	}
	a := &Adapter{username: c[CredUsername], states: map[string]stateInfo{}, lastMod: map[string]int{}}
	if s := c[CredInboundSecret]; s != "" {
		// A bad secret does not stop polling and writes; the business rule's calls are refused
		// (401) saying why.
		if a.secret, a.secretErr = decodeSecret(s); a.secretErr != nil && cfg.Log != nil {
			cfg.Log.Warn("servicenow connection: inbound calls will be refused", slog.Any(logkey.Error, a.secretErr))
		}
	}
	switch p := cfg.Settings[SettingPoll]; p {
	case "", "on":
		a.poll = true
	case "off":
	default:
		return nil, fmt.Errorf("servicenow: setting %q is %q; want on or off", SettingPoll, p)
	}
	for _, ch := range strings.Split(cfg.Settings[SettingChannels], ",") {
		if ch = strings.TrimSpace(ch); ch != "" {
			a.channels = append(a.channels, ch)
		}
	}
	cfg.HTTPClient = withHeaders(cfg.HTTPClient)
	a.auth = newAuth(cfg)
	a.client = vendorapi.NewClient(cfg, a.auth.authorize, Rate)
	return a, nil
}

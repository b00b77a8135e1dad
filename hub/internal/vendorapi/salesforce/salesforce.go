// Package salesforce is the Salesforce Omni-Channel adapter. It authenticates with OAuth 2.0 on the
// org's My Domain (client credentials, or the username-password flow when username and password are
// given), re-authenticating once when a session has expired (401 INVALID_SESSION_ID); lists users and
// reads presence through SOQL (User, ServicePresenceStatus, UserServicePresence where
// IsCurrentState = true), following nextRecordsUrl; and detects changes by polling
// UserServicePresence's SystemModstamp.
//
// States (vendorapi.State.ID) are the org's presence statuses by DeveloperName (Available_for_Chats),
// which stay the same across sandboxes and production where record ids do not, plus "Offline": the
// agent is logged out of Omni-Channel (no current UserServicePresence row).
//
// Salesforce lets no server set an agent's Omni-Channel status. SetState therefore publishes a
// Presence_Change__e platform event, which the Presence Hub utility-bar component
// (installers/salesforce) applies in the agent's browser through the Omni-Channel toolkit, and then
// reads the presence back until it shows the status (ErrNotApplied, retryable, when it does not within
// the apply timeout: nobody has the console open). An agent logged out of Omni is not logged in by the
// hub: SetState answers ErrNotLoggedIn (permanent) without publishing.
package salesforce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
	CredUsername     = "username"
	CredPassword     = "password" // the password with the user's security token appended
)

// Setting keys.
const (
	// SettingMyDomain builds the base URL https://{my_domain}.my.salesforce.com when none is set.
	SettingMyDomain = "my_domain"
	// SettingAPIVersion is the REST API version, e.g. "v60.0" (default DefaultAPIVersion).
	SettingAPIVersion = "api_version"
	// SettingApplyTimeout is how long SetState waits for the browser to apply an event (Go duration).
	SettingApplyTimeout = "apply_timeout"
)

// Defaults.
const (
	DefaultAPIVersion   = "v60.0"
	DefaultApplyTimeout = 10 * time.Second
	// StateOffline is the state of an agent logged out of Omni-Channel.
	StateOffline = "Offline"
	// limitWait is the Retry-After given to REQUEST_LIMIT_EXCEEDED: the allocation is a rolling 24
	// hours and Salesforce says nothing of when requests will be accepted again.
	limitWait = 5 * time.Minute
	// queryBatch is the SOQL batch size asked for (Salesforce's minimum; its default is 2000).
	queryBatch = 200
)

// Errors particular to Salesforce.
var (
	// ErrNotLoggedIn: the agent is logged out of Omni-Channel; the hub does not log agents in.
	ErrNotLoggedIn = errors.New("agent is logged out of Omni-Channel")
	// ErrNotApplied: the published event was not applied in time (the console is not open).
	ErrNotApplied = errors.New("presence change event not applied by the agent's browser")
)

// Adapter is one Salesforce org. It implements vendorapi.Adapter and vendorapi.Poller.
type Adapter struct {
	client       *vendorapi.Client
	log          *slog.Logger
	baseURL      string
	version      string
	applyTimeout time.Duration
	creds        map[string]string
	tokens       *vendorapi.OAuthTokens

	mu      sync.Mutex
	catalog map[string]string // DeveloperName → ServicePresenceStatus Id
	known   map[string]bool   // user ids seen to exist
}

var (
	_ vendorapi.Adapter = (*Adapter)(nil)
	_ vendorapi.Poller  = (*Adapter)(nil)
	_ vendorapi.Factory = New
)

// New builds an adapter. Credentials: client_id and client_secret (the external client app's consumer
// key and secret), plus username and password for the username-password flow. Settings: my_domain
// when cfg.BaseURL is empty, api_version, apply_timeout.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	if cfg.BaseURL == "" && cfg.Settings[SettingMyDomain] != "" {
		cfg.BaseURL = "https://" + cfg.Settings[SettingMyDomain] + ".my.salesforce.com"
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("salesforce: no base URL (set it to the org's My Domain, or the \"my_domain\" setting)")
	}
	if cfg.Credentials[CredClientID] == "" || cfg.Credentials[CredClientSecret] == "" {
		return nil, fmt.Errorf("salesforce: missing credentials %s and %s", CredClientID, CredClientSecret)
	}
	if (cfg.Credentials[CredUsername] == "") != (cfg.Credentials[CredPassword] == "") {
		return nil, fmt.Errorf("salesforce: credentials %s and %s go together", CredUsername, CredPassword)
	}
	a := &Adapter{log: cfg.Log, version: DefaultAPIVersion, applyTimeout: DefaultApplyTimeout, creds: cfg.Credentials, known: map[string]bool{}}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if v := cfg.Settings[SettingAPIVersion]; v != "" {
		if !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		a.version = v
	}
	if v := cfg.Settings[SettingApplyTimeout]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("salesforce: setting %s %q is not a positive duration", SettingApplyTimeout, v)
		}
		a.applyTimeout = d
	}
	cfg.HTTPClient = observeLimits(cfg.HTTPClient, cfg.OnRateLimit)
	cfg.OnRateLimit = nil
	a.client = vendorapi.NewClient(cfg, a.authorize, vendorapi.RateHeaders{})
	a.baseURL = a.client.BaseURL
	a.tokens = vendorapi.NewOAuthTokens(a.client.HTTP, a.grant)
	return a, nil
}

// authorize sets the session's bearer token, and the query batch size on queries.
func (a *Adapter) authorize(r *http.Request) {
	a.tokens.Authorize(r)
	if strings.Contains(r.URL.Path, "/query") {
		r.Header.Set("Sforce-Query-Options", fmt.Sprintf("batchSize=%d", queryBatch))
	}
}

// StaticStates is Offline, the one state every org has; its presence statuses are the org's own.
func (a *Adapter) StaticStates() []vendorapi.State {
	return []vendorapi.State{{ID: StateOffline, Name: "Offline (logged out of Omni-Channel)", Settable: true}}
}

// Dynamic: any other DeveloperName can only be confirmed by the org.
func (a *Adapter) Dynamic(id string) bool { return id != "" }

// ListStates lists the org's presence statuses (DeveloperName, MasterLabel) and Offline. All are
// settable through the utility-bar component; none is a system state (Omni keeps the chosen status
// during work).
func (a *Adapter) ListStates(ctx context.Context) ([]vendorapi.State, error) {
	recs, err := a.statuses(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]vendorapi.State, 0, len(recs)+1)
	for _, s := range recs {
		out = append(out, vendorapi.State{ID: s.DeveloperName, Name: s.MasterLabel, Settable: true})
	}
	return append(out, vendorapi.State{ID: StateOffline, Name: "Offline (logged out of Omni-Channel)", Settable: true}), nil
}

// Package cxone is the NICE CXone adapter. It exchanges an access key (id + secret) for a bearer token
// (POST {token_url}, default {base}/authentication/v1/token/access-key), renewed before it expires and
// once more on a 401; lists agents through the Admin API (skip/top paging); reads agent states through
// the Real-Time Data API and polls them with updatedSince; and sets states through the Agent API, by
// joining the agent's own session (POST /agent-sessions/join?asAgentId=) and posting Available or
// Unavailable with a reason.
//
// States (vendorapi.State.ID), named as CXone's agentStateName:
//   - settable: "Available", "Unavailable" (the default unavailable code), and "unavailable:<code name>"
//     for each active, non-ACW unavailable code of the business unit's teams ("unavailable:Lunch");
//   - system (reported, never set): "InboundContact", "OutboundContact", "InboundConsult",
//     "OutboundConsult", "Dialer", "DialerPending" (handling a contact), "AfterCallWork" (any ACW
//     code: Unavailable with isAcw) and "Refused" (out-state -1, after a refused contact);
//   - "LoggedOut": no agent session (not settable; the agent logs in).
//
// Writes the agent cannot take now are vendorapi.BusyErrors: during After Call Work CXone answers 409
// and the write waits (retried, never dropped for it); an agent without a session (logged out) has
// nothing to join, and the write is dropped (ErrNoSession). A reason that is not one of the agent's
// team's codes is ErrUnknownCode (permanent).
package cxone

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredAccessKeyID     = "access_key_id"
	CredAccessKeySecret = "access_key_secret"
)

// Setting keys.
const (
	// SettingTokenURL is the access-key token endpoint (default: the base URL's host +
	// /authentication/v1/token/access-key; CXone serves it from the area's auth host, e.g.
	// https://na1.nice-incontact.com/authentication/v1/token/access-key).
	SettingTokenURL = "token_url"
	// SettingAPIVersion is the inContactAPI version, e.g. "v30.0" (default DefaultAPIVersion).
	SettingAPIVersion = "api_version"
)

// Defaults.
const (
	DefaultAPIVersion = "v30.0"
	tokenPath         = "/authentication/v1/token/access-key"
	// pageSize is the Admin API page asked for (top).
	pageSize = 100
	// renewBefore renews a token this long before it expires.
	renewBefore = time.Minute
)

// RateHeaders are the rate-limit headers read (CXone documents none; the emulator sends these).
var RateHeaders = vendorapi.RateHeaders{Limit: "X-RateLimit-Limit", Remaining: "X-RateLimit-Remaining", Reset: "X-RateLimit-Reset"}

// Errors particular to CXone.
var (
	// ErrNoSession: the agent is logged out, so there is no session to set a state through.
	ErrNoSession = errors.New("agent has no active CXone session")
	// ErrUnknownCode: the reason is not an active unavailable code of the agent's team.
	ErrUnknownCode = errors.New("not an unavailable code of the agent's team")
)

// Adapter is one CXone business unit. It implements vendorapi.Adapter and vendorapi.Poller.
type Adapter struct {
	client   *vendorapi.Client
	log      *slog.Logger
	api      string // /inContactAPI/services/vN.0
	tokenURL string
	keyID    string
	secret   string

	signTurn vendorapi.Turn
	mu       sync.Mutex
	token    string
	expires  time.Time
	sessions map[string]string // agent id → joined session id
	acw      map[string]bool   // ACW code names, from the last ListStates
}

var (
	_ vendorapi.Adapter = (*Adapter)(nil)
	_ vendorapi.Poller  = (*Adapter)(nil)
	_ vendorapi.Factory = New
)

// New builds an adapter from credentials access_key_id and access_key_secret; cfg.BaseURL is the
// business unit's API host (https://api-c4.incontact.com; a trailing /inContactAPI is accepted).
// Settings: token_url, api_version.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("cxone: no base URL (the business unit's API host, e.g. https://api-c4.incontact.com)")
	}
	if cfg.Credentials[CredAccessKeyID] == "" || cfg.Credentials[CredAccessKeySecret] == "" {
		return nil, fmt.Errorf("cxone: missing credentials %s and %s", CredAccessKeyID, CredAccessKeySecret)
	}
	base := strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/inContactAPI")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("cxone: base URL %q is not an absolute URL", cfg.BaseURL)
	}
	cfg.BaseURL = base
	version := cfg.Settings[SettingAPIVersion]
	if version == "" {
		version = DefaultAPIVersion
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	a := &Adapter{log: cfg.Log, signTurn: vendorapi.NewTurn(), api: "/inContactAPI/services/" + version, tokenURL: cfg.Settings[SettingTokenURL],
		keyID: cfg.Credentials[CredAccessKeyID], secret: cfg.Credentials[CredAccessKeySecret],
		sessions: map[string]string{}, acw: map[string]bool{}}
	if a.tokenURL == "" {
		a.tokenURL = u.Scheme + "://" + u.Host + tokenPath
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.client = vendorapi.NewClient(cfg, a.authorize, RateHeaders)
	return a, nil
}

// authorize sets the bearer token (not on the token request itself).
func (a *Adapter) authorize(r *http.Request) {
	if r.URL.String() == a.tokenURL {
		return
	}
	a.mu.Lock()
	tok := a.token
	a.mu.Unlock()
	r.Header.Set("Authorization", "Bearer "+tok)
}

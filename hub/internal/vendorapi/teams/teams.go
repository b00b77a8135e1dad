// Package teams is the Microsoft Teams adapter, over Microsoft Graph's presence API: app-only OAuth
// 2.0 client credentials on the tenant's Entra ID token endpoint (and, for change notifications, a
// delegated refresh token: Graph takes presence subscriptions only from a signed-in user), the users
// list by UPN and mail with @odata.nextLink paging, presence read in batches of 650
// (getPresencesByUserId), and writes in one of two layers chosen per connection (setting write_mode):
//
//   - "session" (default): an application presence session (setPresence, sessionId = the app's client
//     id). It lapses unless renewed, so the adapter is a vendorapi.Keeper: the sync framework has it
//     renewed while the hub's status stands, and cleared (clearPresence) once the rule writes nothing
//     for the hub's status. Graph lets a session hold Available/Available or Away/Away for the hub
//     (its other pairs are calls and presenting, which Teams reports itself); Teams aggregates
//     sessions, so the user's own Teams client (Available, in a call or meeting) may outrank it.
//   - "preferred": the user's preferred presence (setUserPreferredPresence): Available, Busy,
//     DoNotDisturb, BeRightBack, Away, Offline. It outranks every session, the Teams client's call and
//     meeting states included, until it is cleared or replaced.
//
// Changes arrive by change notifications when setting notification_url names the hub's public
// webhook URL for the connection (subscriptions of ≤650 users each, validation handshake answered,
// clientState checked, renewed before their hour ends, lifecycle notifications handled), otherwise
// by polling. Graph stamps no presence change, so changes carry no time: the hub recognises the echoes
// of its own writes by state, within its echo window.
//
// Vocabulary (vendorapi.State IDs): the availability (Available, AvailableIdle, Away, BeRightBack,
// Busy, BusyIdle, DoNotDisturb, Offline, PresenceUnknown), except while Teams itself sets the activity:
// InACall, InAConferenceCall, InAMeeting, Presenting (system states) and OutOfOffice, none settable.
package teams

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/vendorapi"
)

// Credential keys.
const (
	CredTenantID     = "tenant_id"
	CredClientID     = "client_id"
	CredClientSecret = "client_secret"
	// CredRefreshToken is a delegated sign-in's refresh token (a service account with
	// Presence.Read.All), needed for change notifications.
	CredRefreshToken = "refresh_token"
	// CredClientState is the secret every change notification carries (the hub generates it).
	CredClientState = "client_state"
)

// Setting keys.
const (
	// SettingLoginURL overrides https://login.microsoftonline.com: an absolute URL, or a path on the
	// base URL (the emulator).
	SettingLoginURL = "login_url"
	// SettingWriteMode is "session" (default) or "preferred".
	SettingWriteMode = "write_mode"
	// SettingNotificationURL is the hub's public webhook URL for this connection
	// (https://hub.example.com/v1/webhooks/{connection id}); empty: poll.
	SettingNotificationURL = "notification_url"
)

// Write modes.
const (
	ModeSession   = "session"
	ModePreferred = "preferred"
)

// Defaults.
const (
	DefaultBaseURL  = "https://graph.microsoft.com"
	DefaultLoginURL = "https://login.microsoftonline.com"
)

// Adapter is one Entra tenant's Teams presence. It implements vendorapi.Adapter, Poller,
// WebhookReceiver, WebhookHandshake and Keeper.
type Adapter struct {
	client      *vendorapi.Client
	app         *vendorapi.OAuthTokens // client credentials
	delegated   *vendorapi.OAuthTokens // refresh token (nil: none configured)
	clock       clock.Clock
	clientID    string
	clientState string
	mode        string
	notifyURL   string

	mu   sync.Mutex
	kept map[string]kept // by user: what the hub last put there, and when
	subs subState
}

// kept is what the adapter last wrote for a user ("" state: cleared) and when.
type kept struct {
	state string
	at    time.Time
}

var (
	_ vendorapi.Factory          = New
	_ vendorapi.Poller           = (*Adapter)(nil)
	_ vendorapi.WebhookReceiver  = (*Adapter)(nil)
	_ vendorapi.WebhookHandshake = (*Adapter)(nil)
	_ vendorapi.Keeper           = (*Adapter)(nil)
	_ vendorapi.StaticStates     = (*Adapter)(nil)
)

// New builds an adapter from credentials tenant_id, client_id, client_secret (refresh_token and
// client_state for change notifications) and settings login_url, write_mode and notification_url.
// An empty BaseURL means https://graph.microsoft.com.
func New(cfg vendorapi.Config) (vendorapi.Adapter, error) {
	tenant, id, secret := cfg.Credentials[CredTenantID], cfg.Credentials[CredClientID], cfg.Credentials[CredClientSecret]
	if tenant == "" || id == "" || secret == "" {
		return nil, fmt.Errorf("teams: credentials need %q, %q and %q", CredTenantID, CredClientID, CredClientSecret)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	login := cfg.Settings[SettingLoginURL]
	switch {
	case login == "":
		login = DefaultLoginURL
	case strings.HasPrefix(login, "/"):
		login = cfg.BaseURL + login
	}
	tokenURL := strings.TrimRight(login, "/") + "/" + tenant + "/oauth2/v2.0/token"
	mode := cfg.Settings[SettingWriteMode]
	switch mode {
	case "":
		mode = ModeSession
	case ModeSession, ModePreferred:
	default:
		return nil, fmt.Errorf("teams: setting %q is %q; want %s or %s", SettingWriteMode, mode, ModeSession, ModePreferred)
	}
	a := &Adapter{clock: clock.OrReal(cfg.Clock), clientID: id, clientState: cfg.Credentials[CredClientState], mode: mode,
		notifyURL: cfg.Settings[SettingNotificationURL], kept: map[string]kept{}}
	if a.notifyURL != "" {
		if !strings.HasPrefix(a.notifyURL, "https://") && !strings.HasPrefix(a.notifyURL, "http://") {
			return nil, fmt.Errorf("teams: setting %q must be an http(s) URL", SettingNotificationURL)
		}
		if a.clientState == "" {
			return nil, fmt.Errorf("teams: change notifications (setting %q) need credential %q", SettingNotificationURL, CredClientState)
		}
	}
	a.app = appTokens(cfg, tokenURL, id, secret)
	if rt := cfg.Credentials[CredRefreshToken]; rt != "" {
		a.delegated = delegatedTokens(cfg, tokenURL, id, secret, rt)
	}
	a.client = vendorapi.NewClient(cfg, nil, vendorapi.RateHeaders{})
	return a, nil
}

func (a *Adapter) now() time.Time { return a.clock.Now().UTC() }

package talkdesk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/talkdesk"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
	"presencehub.dev/shared/testwait"
)

var lunch = talkdesk.BusyPrefix + talkdeskemu.Lunch.ID

func TestContract(t *testing.T) {
	vendortest.Run(t, vendortest.Pair{
		NewEmulator:   func(*testing.T) emulator.Emulator { return talkdeskemu.New(talkdeskemu.Options{}) },
		Factory:       talkdesk.New,
		Settable:      "available",
		OtherSettable: lunch,
		NotSettable:   "on_call",
		PageSize:      100,
	})
}

// start serves an emulator and builds an adapter against it (settings added to the emulator's).
func start(t *testing.T, opts talkdeskemu.Options, settings map[string]string) (*talkdeskemu.Emulator, *talkdesk.Adapter) {
	t.Helper()
	em := talkdeskemu.New(opts)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	s := em.Settings()
	for k, v := range settings {
		s[k] = v
	}
	a, err := talkdesk.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), Settings: s, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return em, a.(*talkdesk.Adapter)
}

// count counts the emulator's calls matching method and a path suffix.
func count(em *talkdeskemu.Emulator, method, suffix string) (n int) {
	for _, c := range em.Calls() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

func TestTokenRequestIsFormEncodedWithScopes(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if _, err := a.GetState(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	calls := em.Calls()
	if len(calls) != 2 || calls[0].Path != "/oauth/token" || calls[0].Status != 200 {
		t.Fatalf("calls %+v; want a token request, then the presence read", calls)
	}
	form, err := url.ParseQuery(calls[0].Body)
	if err != nil || form.Get("grant_type") != "client_credentials" || form.Get("scope") != talkdesk.DefaultScopes {
		t.Errorf("token request body %q; want grant_type=client_credentials and the default scopes", calls[0].Body)
	}
}

func TestTokenRenewedBeforeItExpires(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{TokenTTL: 2 * time.Second}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(em, "POST", "/oauth/token"); n != 1 {
		t.Fatalf("%d token requests for two reads within the token's life; want 1", n)
	}
	// The adapter keeps reading: past 90% of the token's life it fetches a new one, never sending the
	// old one late (which the emulator would refuse with 401, checked below).
	testwait.For(t, "a second token", func() bool {
		if _, err := a.GetState(ctx, id); err != nil {
			t.Fatal(err)
		}
		return count(em, "POST", "/oauth/token") == 2
	})
	for _, c := range em.Calls() {
		if c.Status == http.StatusUnauthorized {
			t.Errorf("a request was refused (%s %s): the token was not renewed in time", c.Method, c.Path)
		}
	}
}

func TestRevokedTokenIsReplacedOnce(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	em.ExpireTokens()
	if as, err := a.GetState(ctx, id); err != nil || as.State != "available" {
		t.Fatalf("GetState after the token expired early = %+v, %v", as, err)
	}
	if n := count(em, "POST", "/oauth/token"); n != 2 {
		t.Errorf("%d token requests; want 2 (the refused token replaced)", n)
	}
}

func TestRegionalTokenEndpoint(t *testing.T) {
	for _, c := range []struct{ region, want string }{
		{"", "https://acme.talkdeskid.com/oauth/token"},
		{"eu", "https://acme.talkdeskid.eu/oauth/token"},
		{"ca", "https://acme.talkdeskidca.com/oauth/token"},
	} {
		var got string
		hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			got = r.URL.String()
			return nil, errors.New("offline test")
		})}
		a, err := talkdesk.New(vendorapi.Config{Credentials: map[string]string{"client_id": "i", "client_secret": "s"},
			Settings: map[string]string{"account": "acme", "region": c.region}, HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = a.GetState(context.Background(), "u1")
		if got != c.want {
			t.Errorf("region %q: token requested at %q; want %q", c.region, got, c.want)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewRefusesBadConfig(t *testing.T) {
	creds := map[string]string{"client_id": "i", "client_secret": "s"}
	for _, c := range []struct {
		name     string
		creds    map[string]string
		settings map[string]string
		want     string
	}{
		{"no secret", map[string]string{"client_id": "i"}, map[string]string{"account": "a"}, "client_secret"},
		{"no account", creds, nil, "account"},
		{"bad region", creds, map[string]string{"account": "a", "region": "mars"}, "region"},
		{"bad when_busy", creds, map[string]string{"account": "a", "when_busy": "later"}, "when_busy"},
	} {
		if _, err := talkdesk.New(vendorapi.Config{Credentials: c.creds, Settings: c.settings}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v; want an error naming %s", c.name, err, c.want)
		}
	}
}

func TestMissingScopeIsAnAuthError(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{Scopes: []string{talkdeskemu.ScopeUsersRead, talkdeskemu.ScopePresenceRead}}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	err := a.SetState(context.Background(), id, "available")
	if !errors.Is(err, vendorapi.ErrAuth) || !strings.Contains(err.Error(), "invalid_scope") {
		t.Errorf("SetState with a client lacking presence-status:write = %v; want ErrAuth naming invalid_scope", err)
	}
}

func TestOnlyAvailableOrCustomBusyCanBeSet(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	for _, s := range []string{"away", "offline", "on_call", "hidden", "busy:", "busy:no-such-status", "lunch"} {
		if err := a.SetState(ctx, id, s); !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
			t.Errorf("SetState(%q) = %v; want ErrNotSettable", s, err)
		}
	}
	if n := count(em, "PUT", "/presence/status"); n != 0 {
		t.Errorf("%d status writes sent for refused states; want none", n)
	}
	states, err := a.ListStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settable := map[string]bool{}
	for _, s := range states {
		settable[s.ID] = s.Settable
	}
	for _, c := range talkdeskemu.New(talkdeskemu.Options{}).CustomStatuses() {
		if !settable[talkdesk.BusyPrefix+c.ID] {
			t.Errorf("custom Busy status %s not listed as settable: %+v", c.Name, states)
		}
	}
	if len(states) != 7 || settable["away"] || settable["offline"] || settable["on_call"] || !settable["available"] {
		t.Errorf("states %+v; want available and the 3 custom Busy statuses settable, away/offline/on_call listed but not", states)
	}
	if err := a.SetState(ctx, id, lunch); err != nil {
		t.Fatal(err)
	}
	if got, _ := em.State(id); got != lunch {
		t.Errorf("state %q; want %q", got, lunch)
	}
}

func TestOfflineOrOnCallAgentIsNeverChanged(t *testing.T) {
	for _, c := range []struct {
		state, why string
		drop       bool
	}{
		{"on_call", "On a Call", false},
		{"offline", "Offline", false},
		{"on_call", "On a Call", true},
	} {
		settings := map[string]string{}
		if c.drop {
			settings["when_busy"] = "drop"
		}
		em, a := start(t, talkdeskemu.Options{}, settings)
		id := em.AddUser("ana@example.com", "Ana")
		if err := em.Change(id, c.state); err != nil {
			t.Fatal(err)
		}
		err := a.SetState(context.Background(), id, lunch)
		be, ok := vendorapi.Busy(err)
		if !ok || !errors.Is(err, vendorapi.ErrAgentBusy) || be.Drop != c.drop || !strings.Contains(be.Reason, c.why) || vendorapi.Permanent(err) != c.drop {
			t.Errorf("%s (drop %v): SetState = %v; want a BusyError naming %q", c.state, c.drop, err, c.why)
		}
		if got, _ := em.State(id); got != c.state {
			t.Errorf("%s: state changed to %q", c.state, got)
		}
		if n := count(em, "PUT", "/presence/status"); n != 0 {
			t.Errorf("%s: %d status writes sent; want none", c.state, n)
		}
	}
}

func TestHeldAgentsReportsWaitForTheWrite(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	other := em.AddUser("bo@example.com", "Bo")
	ctx := context.Background()
	_, cursor, err := a.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, "on_call"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetState(ctx, id, lunch); !errors.Is(err, vendorapi.ErrAgentBusy) {
		t.Fatalf("SetState during a call = %v", err)
	}
	// The call ends and Bo changes: Ana's return to Available is held back, Bo's change is not.
	if err := em.Change(id, "available"); err != nil {
		t.Fatal(err)
	}
	if err := em.Change(other, talkdesk.BusyPrefix+talkdeskemu.Meeting.ID); err != nil {
		t.Fatal(err)
	}
	changes, cursor, err := a.Poll(ctx, cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ExternalID != other {
		t.Errorf("changes %+v; want only Bo's (Ana's held back while the hub's write waits)", changes)
	}
	// The waiting write lands; then Ana's state is reported (the echo of the write, marked as ours).
	if err := a.SetState(ctx, id, lunch); err != nil {
		t.Fatal(err)
	}
	changes, _, err = a.Poll(ctx, cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ExternalID != id || changes[0].State != lunch || !changes[0].ViaAPI {
		t.Errorf("changes after the write %+v; want Ana's %s, marked as an API write", changes, lunch)
	}
}

func TestUsersListFollowsHALLinks(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	for range 150 {
		em.AddUser("a@example.com", "A")
	}
	users, next, err := a.ListUsers(context.Background(), "")
	if err != nil || len(users) != 100 || next != "2" {
		t.Fatalf("first page: %d users, next %q, %v", len(users), next, err)
	}
	users, next, err = a.ListUsers(context.Background(), next)
	if err != nil || len(users) != 50 || next != "" {
		t.Errorf("last page: %d users, next %q, %v", len(users), next, err)
	}
	if _, _, err := a.ListUsers(context.Background(), "x"); err == nil {
		t.Error("bad cursor accepted")
	}
}

// Issue 17: a call already in progress at the first poll (the baseline) is reported; other states at
// the baseline are not (they are not news), and the call's end is reported by the next poll.
func TestCallInProgressAtTheBaselineIsReported(t *testing.T) {
	em, a := start(t, talkdeskemu.Options{}, nil)
	onCall := em.AddUser("ana@example.com", "Ana")
	idle := em.AddUser("bo@example.com", "Bo")
	if err := em.Change(onCall, talkdesk.StateOnCall); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	changes, cursor, err := a.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ExternalID != onCall || changes[0].State != talkdesk.StateOnCall || changes[0].ViaAPI {
		t.Fatalf("baseline changes %+v; want only Ana's call (%s), not Bo's idle state", changes, idle)
	}
	if changes, cursor, err = a.Poll(ctx, cursor); err != nil || len(changes) != 0 {
		t.Fatalf("second poll, nothing changed: %+v, %v; want no changes", changes, err)
	}
	if err := em.Change(onCall, talkdesk.StateAvailable); err != nil {
		t.Fatal(err)
	}
	if changes, _, err = a.Poll(ctx, cursor); err != nil || len(changes) != 1 || changes[0].State != talkdesk.StateAvailable {
		t.Fatalf("after the call: %+v, %v; want Ana available", changes, err)
	}
}

package servicenow_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

func pair(opts servicenowemu.Options) vendortest.Pair {
	return vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator {
			em := servicenowemu.New(opts)
			t.Cleanup(em.Close)
			return em
		},
		Factory:       servicenow.New,
		Settable:      "available",
		OtherSettable: "away",
		PageSize:      100,
	}
}

func TestContractBasicAuth(t *testing.T) { vendortest.Run(t, pair(servicenowemu.Options{})) }

func TestContractOAuth(t *testing.T) { vendortest.Run(t, pair(servicenowemu.Options{OAuth: true})) }

// start serves an emulator and builds an adapter against it (settings added).
func start(t *testing.T, opts servicenowemu.Options, settings map[string]string) (*servicenowemu.Emulator, *servicenow.Adapter) {
	t.Helper()
	em := servicenowemu.New(opts)
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	a, err := servicenow.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), Settings: settings, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return em, a.(*servicenow.Adapter)
}

// grants lists the grant types of the token requests so far.
func grants(em *servicenowemu.Emulator) []string {
	var out []string
	for _, c := range em.Calls() {
		if c.Path == "/oauth_token.do" {
			f, _ := url.ParseQuery(c.Body)
			out = append(out, f.Get("grant_type"))
		}
	}
	return out
}

func TestOAuthRefreshesThenSignsInAgain(t *testing.T) {
	em, a := start(t, servicenowemu.Options{OAuth: true}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	// The access token stops working: the refresh token gets a new one, and the read is retried.
	em.ExpireAccessTokens()
	if as, err := a.GetState(ctx, id); err != nil || as.State != "offline" {
		t.Fatalf("GetState after the access token expired = %+v, %v", as, err)
	}
	if got := strings.Join(grants(em), ","); got != "password,refresh_token" {
		t.Errorf("grants %s; want password, then refresh_token", got)
	}
	for _, c := range em.Calls() {
		if c.Path == "/oauth_token.do" && !strings.Contains(c.Body, "client_secret=") {
			t.Errorf("token request %q lacks the client credentials", c.Body)
		}
	}
}

func TestExpiredRefreshTokenSignsInAgain(t *testing.T) {
	em, a := start(t, servicenowemu.Options{OAuth: true, RefreshTTL: 1}, nil) // refresh tokens expire at once
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	em.ExpireAccessTokens()
	if _, err := a.GetState(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(grants(em), ","); got != "password,refresh_token,password" {
		t.Errorf("grants %s; want password, a refused refresh_token, password", got)
	}
}

func TestStatesAndSettable(t *testing.T) {
	em, a := start(t, servicenowemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	before := len(em.Calls())
	for _, s := range []string{"bogus", "state:", "Available"} {
		if err := a.SetState(ctx, id, s); !errors.Is(err, vendorapi.ErrNotSettable) {
			t.Errorf("SetState(%q) = %v; want ErrNotSettable", s, err)
		}
	}
	if n := len(em.Calls()) - before; n != 0 {
		t.Errorf("%d requests for ill-formed states; want none", n)
	}
	states, err := a.ListStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range states {
		got[s.ID] = s.Settable
	}
	training, brk := "state:"+servicenowemu.Training.SysID, "state:"+servicenowemu.Break.SysID
	if len(states) != 5 || !got["available"] || !got["away"] || !got["offline"] || !got[brk] || got[training] {
		t.Errorf("states %+v; want the 3 out-of-box states and Break settable, Training listed as not", states)
	}
	if err := a.SetState(ctx, id, training); !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
		t.Errorf("SetState(inactive Training) = %v; want ErrNotSettable", err)
	}
	if err := a.SetState(ctx, id, brk); err != nil {
		t.Fatal(err)
	}
	for _, c := range em.Calls() {
		if c.Method == http.MethodPut && strings.Contains(c.Body, servicenowemu.Training.SysID) {
			t.Errorf("a write of the inactive state was sent: %s", c.Body)
		}
	}
	if as, err := a.GetState(ctx, id); err != nil || as.State != brk {
		t.Errorf("GetState = %+v, %v; want %s", as, err, brk)
	}
}

func TestChannelsFollowTheState(t *testing.T) {
	chat := "27f675e3739713004a905ee515f6a7c3"
	em, a := start(t, servicenowemu.Options{}, map[string]string{"channels": chat})
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	for _, c := range []struct{ state, want string }{
		{"available", `{"presence":{"channels":[{"sys_id":"` + chat + `","available":true}],"sys_id":"0b10223c57a313005baaaa65ef94f970"}}`},
		{"away", `{"presence":{"channels":[{"sys_id":"` + chat + `","available":false}],"sys_id":"41f9b8dfb31313005baa6e5f26a8dcac"}}`},
	} {
		if err := a.SetState(ctx, id, c.state); err != nil {
			t.Fatal(err)
		}
		calls := em.Calls()
		if last := calls[len(calls)-1]; last.Method != http.MethodPut || last.Body != c.want {
			t.Errorf("%s: sent %s %s; want %s", c.state, last.Method, last.Body, c.want)
		}
	}
}

func TestMissingAWARoleIsAnAuthError(t *testing.T) {
	em, a := start(t, servicenowemu.Options{NoAWARole: true}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if _, err := a.GetState(context.Background(), id); !errors.Is(err, vendorapi.ErrAuth) {
		t.Errorf("GetState without awa_integration_user = %v; want ErrAuth", err)
	}
}

func TestPollOffSendsNothing(t *testing.T) {
	em, a := start(t, servicenowemu.Options{}, map[string]string{"poll": "off"})
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, "available"); err != nil {
		t.Fatal(err)
	}
	for cursor, i := "", 0; i < 3; i++ {
		changes, next, err := a.Poll(context.Background(), cursor)
		if err != nil || len(changes) != 0 {
			t.Fatalf("Poll = %v, %v", changes, err)
		}
		cursor = next
	}
	if n := len(em.Calls()); n != 0 {
		t.Errorf("%d requests with poll=off; want none", n)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, c := range []struct {
		name     string
		base     string
		creds    map[string]string
		settings map[string]string
		want     string
	}{
		{"no base", "", map[string]string{"username": "u", "password": "p"}, nil, "instance"},
		{"no password", "https://x", map[string]string{"username": "u"}, nil, "password"},
		{"half oauth", "https://x", map[string]string{"username": "u", "password": "p", "client_id": "c"}, nil, "client_secret"},
		{"bad poll", "https://x", map[string]string{"username": "u", "password": "p"}, map[string]string{"poll": "sometimes"}, "poll"},
	} {
		if _, err := servicenow.New(vendorapi.Config{BaseURL: c.base, Credentials: c.creds, Settings: c.settings}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v; want an error naming %s", c.name, err, c.want)
		}
	}
	if _, err := servicenow.New(vendorapi.Config{Credentials: map[string]string{"username": "u", "password": "p"}, Settings: map[string]string{"instance": "acme"}}); err != nil {
		t.Errorf("instance setting instead of a base URL: %v", err)
	}
}

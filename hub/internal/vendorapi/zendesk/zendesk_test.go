package zendesk_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
	"presencehub.dev/hub/internal/vendorapi/zendesk"
)

func TestContract(t *testing.T) {
	vendortest.Run(t, pair(zendeskemu.Options{}))
}

// TestContractTalkOnly runs the suite against a voice-only account through the Talk API.
func TestContractTalkOnly(t *testing.T) {
	vendortest.Run(t, pair(zendeskemu.Options{TalkOnly: true}))
}

func pair(opts zendeskemu.Options) vendortest.Pair {
	return vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator { return newEmulator(t, opts) },
		Factory:     zendesk.New,
		Settable:    "online", OtherSettable: "away", NotSettable: "",
		PageSize: 100,
	}
}

func newEmulator(t *testing.T, opts zendeskemu.Options) *zendeskemu.Emulator {
	em := zendeskemu.New(opts)
	t.Cleanup(em.Close)
	return em
}

// env is an emulator served over HTTP and an adapter built with creds and settings.
type env struct {
	em  *zendeskemu.Emulator
	srv *httptest.Server
	a   *zendesk.Adapter
}

func start(t *testing.T, opts zendeskemu.Options, creds, settings map[string]string) *env {
	t.Helper()
	em := newEmulator(t, opts)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	if creds == nil {
		creds = em.Credentials()
	}
	if settings == nil {
		settings = em.Settings()
	}
	a, err := zendesk.New(vendorapi.Config{BaseURL: srv.URL, Credentials: creds, Settings: settings, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatalf("zendesk.New: %v", err)
	}
	return &env{em: em, srv: srv, a: a.(*zendesk.Adapter)}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	for name, cfg := range map[string]vendorapi.Config{
		"no credentials": {BaseURL: "http://x", Credentials: map[string]string{"webhook_secret": "s"}},
		"token no email": {BaseURL: "http://x", Credentials: map[string]string{"api_token": "t"}},
		"no base URL":    {Credentials: map[string]string{"oauth_token": "t"}},
		"unknown api":    {BaseURL: "http://x", Credentials: map[string]string{"oauth_token": "t"}, Settings: map[string]string{"api": "chat"}},
	} {
		if _, err := zendesk.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	// The email may be a setting, and a subdomain gives the base URL.
	if _, err := zendesk.New(vendorapi.Config{Credentials: map[string]string{"api_token": "t"},
		Settings: map[string]string{"email": "ops@acme.test", "subdomain": "acme"}}); err != nil {
		t.Errorf("email setting + subdomain: %v", err)
	}
}

func TestOAuthBearer(t *testing.T) {
	const token = "oauth-test-token"
	e := start(t, zendeskemu.Options{OAuthToken: token}, map[string]string{"oauth_token": token}, nil)
	id := e.em.AddUser("ana@example.com", "Ana")
	if err := e.a.SetState(ctx(t), id, "online"); err != nil {
		t.Fatalf("SetState with a bearer token: %v", err)
	}
	if as, err := e.a.GetState(ctx(t), id); err != nil || as.State != "online" {
		t.Errorf("GetState = %+v, %v", as, err)
	}
	bad, _ := zendesk.New(vendorapi.Config{BaseURL: e.srv.URL, Credentials: map[string]string{"oauth_token": "nope"}, HTTPClient: e.srv.Client()})
	if _, err := bad.GetState(ctx(t), id); !errors.Is(err, vendorapi.ErrAuth) {
		t.Errorf("wrong bearer token: %v; want ErrAuth", err)
	}
}

func TestCustomStatusRoundTrip(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, nil)
	id := e.em.AddUser("ana@example.com", "Ana")
	states, err := e.a.ListStates(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, s := range states {
		names[s.ID] = s.Name
	}
	for id, name := range map[string]string{"online": "Online", "offline": "Offline", "away": "Away",
		"transfers_only": "Transfers only", "custom:123": "In a meeting"} {
		if names[id] != name {
			t.Errorf("state %q named %q; want %q (all: %v)", id, names[id], name, names)
		}
	}
	if err := e.a.SetState(ctx(t), id, "custom:123"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.em.State(id); got != "custom:123" {
		t.Errorf("emulator state %q; want custom:123", got)
	}
	if as, err := e.a.GetState(ctx(t), id); err != nil || as.State != "custom:123" || as.UpdateTime.IsZero() {
		t.Errorf("GetState = %+v, %v; want custom:123 with a time", as, err)
	}
	if err := e.em.Change(id, "custom:124"); err != nil {
		t.Fatal(err)
	}
	if as, err := e.a.GetState(ctx(t), id); err != nil || as.State != "custom:124" {
		t.Errorf("GetState after a vendor-side change = %+v, %v; want custom:124", as, err)
	}
	before := len(e.em.Calls())
	for _, s := range []string{"custom:999", "custom:x", "busy", ""} {
		if err := e.a.SetState(ctx(t), id, s); !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
			t.Errorf("SetState(%q) = %v; want ErrNotSettable", s, err)
		}
	}
	if after := len(e.em.Calls()); after != before {
		t.Errorf("unknown states sent %d requests; want none (the status list is cached)", after-before)
	}
}

// A fresh adapter resolves a custom status by loading the status list once, then only PUTs.
func TestCustomStatusLoadsListOnce(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, nil)
	id := e.em.AddUser("ana@example.com", "Ana")
	for _, s := range []string{"custom:123", "custom:124", "custom:123"} {
		if err := e.a.SetState(ctx(t), id, s); err != nil {
			t.Fatalf("SetState(%s): %v", s, err)
		}
	}
	lists, puts := 0, 0
	for _, c := range e.em.Calls() {
		switch c.Method {
		case "GET":
			lists++
		case "PUT":
			puts++
		}
	}
	if lists != 1 || puts != 3 {
		t.Errorf("%d GETs and %d PUTs; want 1 and 3", lists, puts)
	}
}

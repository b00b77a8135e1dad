package genesys_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/genesys"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

var lunch = genesys.DefinitionPrefix + genesysemu.Lunch.ID

func TestContract(t *testing.T) {
	vendortest.Run(t, vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator {
			em := genesysemu.New(genesysemu.Options{})
			t.Cleanup(em.Close)
			return em
		},
		Factory: func(cfg vendorapi.Config) (vendorapi.Adapter, error) {
			a, err := genesys.New(cfg)
			if err == nil {
				t.Cleanup(func() { _ = a.(*genesys.Adapter).Close() })
			}
			return a, err
		},
		Settable:      "break",
		OtherSettable: lunch,
		NotSettable:   "interacting",
		PageSize:      100,
	})
}

// env is an emulated org served over real HTTP and an adapter on it, on one clock.
type env struct {
	em      *genesysemu.Emulator
	srv     *httptest.Server
	a       *genesys.Adapter
	notices chan struct{}
}

func start(t *testing.T, c clock.Clock, opts genesysemu.Options) *env {
	t.Helper()
	opts.Clock = c
	if opts.RatePerMinute == 0 {
		opts.RatePerMinute = -1
	}
	em := genesysemu.New(opts)
	srv := httptest.NewServer(em)
	e := &env{em: em, srv: srv, notices: make(chan struct{}, 1)}
	a, err := genesys.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), Settings: em.Settings(), HTTPClient: srv.Client(),
		Clock: c, Notify: func() {
			select {
			case e.notices <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	e.a = a.(*genesys.Adapter)
	t.Cleanup(func() { _ = e.a.Close(); srv.Close(); em.Close() })
	return e
}

// count counts the emulator's calls matching method and a path suffix.
func count(em *genesysemu.Emulator, method, suffix string) (n int) {
	for _, c := range em.Calls() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

func TestNewRefusesBadConfig(t *testing.T) {
	creds := map[string]string{"client_id": "i", "client_secret": "s"}
	for _, c := range []struct {
		name     string
		creds    map[string]string
		settings map[string]string
		want     string
	}{
		{"no secret", map[string]string{"client_id": "i"}, nil, "client_secret"},
		{"bad region", creds, map[string]string{"region": "mars.example"}, "region"},
		{"bad token_url", creds, map[string]string{"token_url": "login.example/oauth/token"}, "token_url"},
	} {
		if _, err := genesys.New(vendorapi.Config{Credentials: c.creds, Settings: c.settings}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v; want an error naming %s", c.name, err, c.want)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRegionalHosts(t *testing.T) {
	for _, c := range []struct{ region, want string }{
		{"", "https://login.mypurecloud.com/oauth/token"},
		{"mypurecloud.de", "https://login.mypurecloud.de/oauth/token"},
		{"usw2.pure.cloud", "https://login.usw2.pure.cloud/oauth/token"},
	} {
		var got string
		hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			got = r.URL.String()
			return nil, errors.New("offline test")
		})}
		a, err := genesys.New(vendorapi.Config{Credentials: map[string]string{"client_id": "i", "client_secret": "s"},
			Settings: map[string]string{"region": c.region}, HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = a.GetState(context.Background(), "u1")
		if got != c.want {
			t.Errorf("region %q: token requested at %q; want %q", c.region, got, c.want)
		}
	}
}

func TestStatesAndWhatCanBeSet(t *testing.T) {
	e := start(t, nil, genesysemu.Options{})
	ctx := context.Background()
	states, err := e.a.ListStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]vendorapi.State{}
	for _, s := range states {
		byID[s.ID] = s
	}
	for _, id := range []string{"available", "away", "busy", "break", "meal", "meeting", "training", "on_queue", lunch, genesys.DefinitionPrefix + genesysemu.Coaching.ID} {
		if !byID[id].Settable {
			t.Errorf("%s: %+v; want settable", id, byID[id])
		}
	}
	for _, id := range []string{"idle", "offline", "interacting", "communicating", "not_responding"} {
		if s, ok := byID[id]; !ok || s.Settable {
			t.Errorf("%s: %+v (listed %v); want listed, not settable", id, s, ok)
		}
	}
	if _, ok := byID[genesys.DefinitionPrefix+genesysemu.Retired.ID]; ok {
		t.Error("a deactivated definition is listed")
	}
	if !byID["interacting"].System || byID["on_queue"].System {
		t.Errorf("interacting %+v, on_queue %+v; want only the routing states system", byID["interacting"], byID["on_queue"])
	}
	id := e.em.AddUser("ana@example.com", "Ana")
	if err := e.a.SetState(ctx, id, "on_queue"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.em.State(id); got != "on_queue" {
		t.Errorf("after setting on_queue: %s", got)
	}
	if err := e.a.SetState(ctx, id, genesys.DefinitionPrefix+"no-such"); !errors.Is(err, vendorapi.ErrNotSettable) {
		t.Errorf("unknown definition: %v; want ErrNotSettable", err)
	}
	// An interaction reads as the routing state whatever the presence, and ends back on the presence.
	if err := e.em.Change(id, "interacting"); err != nil {
		t.Fatal(err)
	}
	if err := e.a.SetState(ctx, id, "break"); err != nil {
		t.Fatal(err)
	}
	if as, err := e.a.GetState(ctx, id); err != nil || as.State != "interacting" {
		t.Errorf("during an interaction: %+v, %v; want interacting", as, err)
	}
	if err := e.em.EndInteraction(id); err != nil {
		t.Fatal(err)
	}
	if as, err := e.a.GetState(ctx, id); err != nil || as.State != "break" {
		t.Errorf("after the interaction: %+v, %v; want break", as, err)
	}
}

func TestRateLimitHeadersPauseTheConnection(t *testing.T) {
	e := start(t, nil, genesysemu.Options{RatePerMinute: 2})
	var seen []vendorapi.RateLimit
	a, err := genesys.New(vendorapi.Config{BaseURL: e.srv.URL, Credentials: e.em.Credentials(), Settings: e.em.Settings(), HTTPClient: e.srv.Client(),
		OnRateLimit: func(rl vendorapi.RateLimit) { seen = append(seen, rl) }})
	if err != nil {
		t.Fatal(err)
	}
	id := e.em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	var last error
	for range 3 {
		if _, last = a.GetState(ctx, id); last != nil {
			break
		}
	}
	var he *vendorapi.HTTPError
	if !errors.As(last, &he) || he.Status != 429 || vendorapi.RetryAfter(last) <= 0 {
		t.Fatalf("over the budget: %v; want a 429 with Retry-After", last)
	}
	if len(seen) == 0 || seen[len(seen)-1].Limit != 2 || seen[len(seen)-1].Remaining != 0 || seen[len(seen)-1].Reset.IsZero() {
		t.Errorf("rate limits seen %+v; want the last at limit 2, none remaining, a reset", seen)
	}
}

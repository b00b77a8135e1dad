package salesforce_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/salesforce"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

func pair() vendortest.Pair {
	return vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator {
			em := salesforceemu.New(salesforceemu.Options{})
			t.Cleanup(em.Close)
			return em
		},
		Factory:       salesforce.New,
		Settable:      "Available_for_Chats",
		OtherSettable: "On_Break",
		PageSize:      200,
	}
}

func TestContract(t *testing.T) { vendortest.Run(t, pair()) }

// serve starts an org over real HTTP and an adapter for it (settings and credentials edited by edit).
func serve(t *testing.T, opts salesforceemu.Options, edit func(creds, settings map[string]string)) (*salesforceemu.Emulator, vendorapi.Adapter) {
	t.Helper()
	em := salesforceemu.New(opts)
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	creds, settings := em.Credentials(), em.Settings()
	if edit != nil {
		edit(creds, settings)
	}
	a, err := salesforce.New(vendorapi.Config{BaseURL: srv.URL, Credentials: creds, Settings: settings, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return em, a
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestExpiredSessionSignsInAgainOnce(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if _, err := a.GetState(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	em.ExpireSessions()
	as, err := a.GetState(ctx(t), id)
	if err != nil || as.State != "Busy" {
		t.Fatalf("GetState after the session expired = %+v, %v; want Busy", as, err)
	}
	var tokens, unauthorized int
	for _, c := range em.Calls() {
		if c.Path == "/services/oauth2/token" {
			tokens++
		}
		if c.Status == http.StatusUnauthorized {
			unauthorized++
		}
	}
	if tokens != 2 || unauthorized != 1 {
		t.Errorf("%d sign-ins and %d 401s; want 2 and 1 (one re-authentication, one retry)", tokens, unauthorized)
	}
}

func TestPasswordFlow(t *testing.T) {
	opts := salesforceemu.Options{Username: "integration@acme.example", Password: "s3cret+TOKEN"}
	em, a := serve(t, opts, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if err := a.SetState(ctx(t), id, "Available"); err != nil {
		t.Fatalf("SetState with the password flow: %v", err)
	}
	var form string
	for _, c := range em.Calls() {
		if c.Path == "/services/oauth2/token" {
			form = c.Body
		}
	}
	if !strings.Contains(form, "grant_type=password") || !strings.Contains(form, "username=integration%40acme.example") {
		t.Errorf("token request %q; want the password grant", form)
	}
	// An org that blocks the flow (the default since Summer '23) answers invalid_grant: ErrAuth.
	_, blocked := serve(t, salesforceemu.Options{}, func(creds, _ map[string]string) {
		creds["username"], creds["password"] = "integration@acme.example", "s3cret+TOKEN"
	})
	if _, err := blocked.GetState(ctx(t), id); !errors.Is(err, vendorapi.ErrAuth) || vendorapi.Permanent(err) ||
		!strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("password flow on a blocking org: %v; want a retryable ErrAuth naming invalid_grant", err)
	}
}

func TestSetStatePublishesEventTheBrowserApplies(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if err := a.SetState(ctx(t), id, "Available_for_Chats"); err != nil {
		t.Fatal(err)
	}
	evs := em.Events()
	if len(evs) != 1 || evs[0].UserID != id || evs[0].StatusAPIName != "Available_for_Chats" || evs[0].StatusID == "" ||
		evs[0].Outcome != salesforceemu.OutcomeApplied {
		t.Fatalf("events %+v; want one applied event naming the status by api name and id", evs)
	}
	// Already in that status: nothing is published.
	if err := a.SetState(ctx(t), id, "Available_for_Chats"); err != nil || len(em.Events()) != 1 {
		t.Errorf("SetState to the current status: %v, %d events; want nil and no new event", err, len(em.Events()))
	}
	// Offline logs the agent out through the toolkit.
	if err := a.SetState(ctx(t), id, salesforce.StateOffline); err != nil {
		t.Fatal(err)
	}
	if got, _ := em.State(id); got != salesforce.StateOffline {
		t.Errorf("state %q after SetState(Offline)", got)
	}
}

func TestLoggedOutAgentIsNotLoggedIn(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, salesforce.StateOffline); err != nil {
		t.Fatal(err)
	}
	err := a.SetState(ctx(t), id, "Available")
	be, busy := vendorapi.Busy(err)
	if !errors.Is(err, salesforce.ErrNotLoggedIn) || !busy || !be.Drop || !vendorapi.Permanent(err) {
		t.Errorf("SetState for an agent logged out of Omni = %v; want ErrNotLoggedIn, a dropped busy write", err)
	}
	if n := len(em.Events()); n != 0 {
		t.Errorf("%d events published for a logged-out agent; want none", n)
	}
	if got, _ := em.State(id); got != salesforce.StateOffline {
		t.Errorf("state %q; the hub must not log the agent in", got)
	}
}

func TestClosedConsoleIsNotApplied(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, func(_, settings map[string]string) { settings["apply_timeout"] = "300ms" })
	id := em.AddUser("ana@example.com", "Ana")
	em.SetConsoleOpen(id, false)
	err := a.SetState(ctx(t), id, "Available")
	if !errors.Is(err, salesforce.ErrNotApplied) || vendorapi.Permanent(err) {
		t.Fatalf("SetState with the console closed = %v; want a retryable ErrNotApplied", err)
	}
	if evs := em.Events(); len(evs) != 1 || evs[0].Outcome != salesforceemu.OutcomeNoConsole {
		t.Errorf("events %+v; want one, not applied (no console)", evs)
	}
	em.SetConsoleOpen(id, true)
	if err := a.SetState(ctx(t), id, "Available"); err != nil {
		t.Errorf("SetState once the console is open: %v", err)
	}
}

func TestUnknownStatusNotSettable(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	if err := a.SetState(ctx(t), id, "No_Such_Status"); !errors.Is(err, vendorapi.ErrNotSettable) {
		t.Errorf("SetState(unknown status) = %v; want ErrNotSettable", err)
	}
	// A status added to the org later is found (the catalog is read again).
	em.AddStatus("Training", "Training")
	if err := a.SetState(ctx(t), id, "Training"); err != nil {
		t.Errorf("SetState(new status): %v", err)
	}
}

func TestListStates(t *testing.T) {
	_, a := serve(t, salesforceemu.Options{}, nil)
	states, err := a.ListStates(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range states {
		got[s.ID] = s.Name
		if !s.Settable || s.System {
			t.Errorf("state %+v; want settable, not system", s)
		}
	}
	if got["Available_for_Chats"] != "Available for Chats" || got["On_Break"] != "On Break" || got["Offline"] == "" {
		t.Errorf("states %v; want statuses by DeveloperName with their labels, and Offline", got)
	}
}

func TestPollSeesLogoutAndSeveralAgents(t *testing.T) {
	em, a := serve(t, salesforceemu.Options{}, nil)
	p := a.(vendorapi.Poller)
	ana, bo := em.AddUser("ana@example.com", "Ana"), em.AddUser("bo@example.com", "Bo")
	_, cursor, err := p.Poll(ctx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range [][2]string{{ana, "Available"}, {ana, "Lunch"}, {bo, "On_Break"}, {bo, "Offline"}} {
		if err := em.Change(step[0], step[1]); err != nil {
			t.Fatal(err)
		}
	}
	changes, _, err := p.Poll(ctx(t), cursor)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range changes {
		got[c.ExternalID] = c.State
	}
	if len(changes) != 2 || got[ana] != "Lunch" || got[bo] != "Offline" {
		t.Errorf("changes %+v; want each agent's newest state: Ana Lunch, Bo Offline", changes)
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []vendorapi.Config{
		{Credentials: map[string]string{"client_id": "x", "client_secret": "y"}},
		{BaseURL: "https://x.my.salesforce.com", Credentials: map[string]string{"client_id": "x"}},
		{BaseURL: "https://x.my.salesforce.com", Credentials: map[string]string{"client_id": "x", "client_secret": "y", "username": "u"}},
		{BaseURL: "https://x.my.salesforce.com", Credentials: map[string]string{"client_id": "x", "client_secret": "y"}, Settings: map[string]string{"apply_timeout": "soon"}},
	} {
		if _, err := salesforce.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if _, err := salesforce.New(vendorapi.Config{Credentials: map[string]string{"client_id": "x", "client_secret": "y"},
		Settings: map[string]string{"my_domain": "acme"}}); err != nil {
		t.Errorf("New with my_domain: %v", err)
	}
}

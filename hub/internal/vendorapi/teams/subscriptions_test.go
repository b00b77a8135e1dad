package teams_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/teamsemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/teams"
	"presencehub.dev/shared/testwait"
)

func notifying(t *testing.T) (*env, *endpoint) {
	t.Helper()
	ep := newEndpoint(t)
	e := start(t, map[string]string{teams.SettingNotificationURL: ep.URL})
	ep.use(e.a)
	return e, ep
}

// covered checks that every user is in exactly one live subscription that outlives the next poll.
func covered(t *testing.T, e *env, users []string, next time.Duration) {
	t.Helper()
	seen := map[string]int{}
	for _, s := range e.em.Subscriptions() {
		if len(s.IDs) > teams.MaxBatch {
			t.Fatalf("subscription of %d ids", len(s.IDs))
		}
		if !s.Expires.After(e.clk.Now().Add(next)) {
			t.Fatalf("at %s subscription %s ends at %s, before the next poll", e.clk.Now(), s.ID, s.Expires)
		}
		for _, id := range s.IDs {
			seen[id]++
		}
	}
	for _, id := range users {
		if seen[id] != 1 {
			t.Fatalf("at %s user %s is in %d subscriptions", e.clk.Now(), id, seen[id])
		}
	}
}

// TestSubscriptionsRenewedFor24Hours polls every ten minutes of a virtual day (the hub polls every
// 30 s; maintenance is due every 5 min): 700 users are always in exactly one live subscription
// (650 + 50), each renewed before its hour ends, across a restart; a notification still arrives at
// the end.
func TestSubscriptionsRenewedFor24Hours(t *testing.T) {
	e, ep := notifying(t)
	var users []string
	for i := range 700 {
		users = append(users, e.em.AddUser(strings.Repeat("x", i%3)+string(rune('a'+i%26))+"@example.com", "U"))
	}
	const every = 10 * time.Minute
	for step := 0; step < 24*6; step++ {
		if step == 70 {
			e.a = e.adapter(t, map[string]string{teams.SettingNotificationURL: ep.URL}, nil) // restarted
			ep.use(e.a)
		}
		if _, _, err := e.a.Poll(ctx(t), "notifications"); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		covered(t, e, users, every)
		e.clk.Advance(every)
	}
	if n := len(e.em.Subscriptions()); n != 2 {
		t.Errorf("%d subscriptions; want 2", n)
	}
	_ = e.em.Change(users[699], "DoNotDisturb")
	testwait.For(t, "the notification's change", func() bool { return ep.saw(users[699], "DoNotDisturb") })
}

func TestNotificationsAndLifecycle(t *testing.T) {
	e, ep := notifying(t)
	ana, bo := e.em.AddUser("ana@example.com", "Ana"), e.em.AddUser("bo@example.com", "Bo")
	if _, _, err := e.a.Poll(ctx(t), ""); err != nil {
		t.Fatal(err)
	}
	subs := e.em.Subscriptions()
	if len(subs) != 1 {
		t.Fatalf("subscriptions: %+v", subs)
	}
	_ = e.em.Change(ana, "Busy")
	testwait.For(t, "ana's change", func() bool { return ep.saw(ana, "Busy") })

	// clientState is checked; garbage is malformed.
	forged := `{"value":[{"subscriptionId":"x","clientState":"guess","changeType":"updated","resourceData":{"id":"` + ana + `"}}]}`
	if _, err := e.a.ParseWebhook(nil, []byte(forged)); !errors.Is(err, vendorapi.ErrBadSignature) {
		t.Errorf("wrong clientState: %v", err)
	}
	if _, err := e.a.ParseWebhook(nil, []byte(`{"value":`)); !errors.Is(err, vendorapi.ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}

	// reauthorizationRequired: the next poll renews; notifications resume.
	if err := e.em.Lifecycle(subs[0].ID, teamsemu.LifecycleReauthorize); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the lifecycle notification", func() bool { return e.calls("PATCH", "/subscriptions/"+subs[0].ID) > 0 || pollOnce(t, e) })
	_ = e.em.Change(ana, "Away")
	testwait.For(t, "ana's change after reauthorization", func() bool { return ep.saw(ana, "Away") })

	// subscriptionRemoved: the next poll subscribes again.
	if err := e.em.Lifecycle(subs[0].ID, teamsemu.LifecycleRemoved); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "a new subscription", func() bool { pollOnce(t, e); return len(e.em.Subscriptions()) == 1 })
	_ = e.em.Change(bo, "BeRightBack")
	testwait.For(t, "bo's change on the new subscription", func() bool { return ep.saw(bo, "BeRightBack") })

	// missed: the next poll reads everyone.
	if err := e.em.Lifecycle(e.em.Subscriptions()[0].ID, teamsemu.LifecycleMissed); err != nil {
		t.Fatal(err)
	}
	var got []vendorapi.Change
	testwait.For(t, "a resync", func() bool {
		changes, _, err := e.a.Poll(ctx(t), "notifications")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, changes...)
		return len(got) == 2
	})
	if got[0].ExternalID != ana || got[0].State != "Away" || got[1].State != "BeRightBack" {
		t.Errorf("resync: %+v", got)
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if len(ep.errs) != 0 {
		t.Errorf("genuine notifications refused: %v", ep.errs)
	}
}

// pollOnce polls; it reports false so testwait keeps going until its own condition holds.
func pollOnce(t *testing.T, e *env) bool {
	if _, _, err := e.a.Poll(ctx(t), "notifications"); err != nil {
		t.Fatal(err)
	}
	return false
}

func TestSubscriptionsNeedAClientState(t *testing.T) {
	e := start(t, nil)
	if _, err := teams.New(vendorapi.Config{BaseURL: e.srv.URL, Credentials: map[string]string{"tenant_id": "t", "client_id": "c", "client_secret": "s"},
		Settings: map[string]string{teams.SettingNotificationURL: "https://hub.example/v1/webhooks/c1"}}); err == nil {
		t.Error("notifications without a client_state were accepted")
	}
}

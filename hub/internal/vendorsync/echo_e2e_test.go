package vendorsync_test

import (
	"context"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendors"
	"presencehub.dev/shared/testwait"
)

// TestAPIMadeChangeRightAfterOurWriteIsApplied is issue 17's dropped change: a person (or their
// script) changes Zendesk through its public API right after the hub wrote to that user. Zendesk marks
// it PUBLIC_API, like the hub's own write, but it is another state: it is the agent's choice, not an
// echo, and the hub follows it.
func TestAPIMadeChangeRightAfterOurWriteIsApplied(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	e.setPresence(t, 0, "available")
	testwait.For(t, "available written", func() bool { return delivered(t, e) && e.vendorState(e.zd, 0) == "online" })
	person, err := vendors.All()["zendesk"].New(vendorapi.Config{BaseURL: e.zd.srv.URL, Credentials: e.zd.em.Credentials(), Settings: e.zd.em.Settings(),
		HTTPClient: e.zd.srv.Client()}) // the emulator is on loopback, which adapters refuse by default
	if err != nil {
		t.Fatal(err)
	}
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "the hub's write of lunch in Zendesk", func() bool { return e.vendorState(e.zd, 0) == "away" })
	if err := person.SetState(context.Background(), e.users[e.zd][0], "transfers_only"); err != nil {
		t.Fatal(err)
	}
	testwait.Seen(t, testwait.Default, "the person's Zendesk change applied and passed on to Aircall", func() (bool, string) {
		st, ac := e.status(t, 0), e.vendorState(e.ac, 0)
		return st == "busy" && ac == "unavailable" && delivered(t, e), "hub " + st + ", aircall " + ac
	})
	if got := e.vendorState(e.zd, 0); got != "transfers_only" {
		t.Errorf("zendesk %q; the person's choice must stand", got)
	}
}

package vendorsync_test

import (
	"net/http/httptest"
	"testing"

	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// Issue 17: an agent already On a Call in Talkdesk when the hub first polls the connection (the
// baseline) shows as on a call in the hub; before, the baseline was only recorded and the call never
// reported.
func TestTalkdeskCallInProgressAtTheFirstPollIsReported(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	// The connection is created disabled, so that its first poll comes only once the agent is linked,
	// on a call, and a rule maps the call.
	em := talkdeskemu.New(talkdeskemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	settings := em.Settings()
	settings["rate_limit_per_minute"] = "60000"
	c := e.must(t, "POST", "/connections", map[string]any{"name": "talkdesk", "vendor": em.Vendor(), "base_url": srv.URL,
		"settings": settings, "credentials": em.Credentials(), "enabled": false})["connection"].(map[string]any)
	td := &vendorAccount{em: em, srv: srv, conn: c["id"].(string)}
	user := e.linkUser(t, td, 0)
	if err := em.Change(user, "on_call"); err != nil {
		t.Fatal(err)
	}
	e.ruleFor(t, td, "talkdesk", map[string]string{"available": "available", "on_call": "on-call"}, map[string]string{"available": "available"})
	e.must(t, "PATCH", "/connections/"+td.conn+"?update_mask=enabled", map[string]any{"enabled": true})
	testwait.For(t, "the call in progress shows in the hub", func() bool { return e.status(t, 0) == "on-call" })
	if err := em.Change(user, "available"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the call's end shows in the hub", func() bool { return e.status(t, 0) == "available" })
}

package vendorsync_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestLateEchoAfterARestartIsNoChange is issue 17's late echo (simulation seeds 169 and 88): the
// notification Zendesk fires for the hub's own write arrives after the hub restarted (so its in-memory
// expectations are gone) and after the hub moved on to another status. It is the hub's write coming
// back, stamped no later than Zendesk's answer to it: the durable outbox recognises it, and nobody's
// choice is invented from it.
func TestLateEchoAfterARestartIsNoChange(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, fastRetries, hubtest.WithDataDir(dir))
	e := newEnv(t, h, 1, withoutWebhooks) // the test holds Zendesk's notifications and delivers them late
	e.applyTemplate(t, "both")
	zd := e.zd.em.(*zendeskemu.Emulator)
	tap := &wiretap{}
	srv := httptest.NewServer(tap)
	t.Cleanup(srv.Close)
	zd.AddWebhook(srv.URL)

	e.setPresence(t, 0, "lunch")
	var echo delivery
	testwait.For(t, "the hub's write of lunch in Zendesk, and its notification", func() bool {
		for i := range tap.count() {
			if d := tap.get(i); bytes.Contains(d.body, []byte(zendeskemu.EventUnifiedStateChanged)) && bytes.Contains(d.body, []byte(`"away"`)) {
				echo = d
			}
		}
		return echo.body != nil && delivered(t, e)
	})
	e.setPresence(t, 0, "available")
	testwait.For(t, "available written to Zendesk", func() bool { return e.vendorState(e.zd, 0) == "online" && delivered(t, e) })

	h.Stop()
	e.h = hubtest.Start(t, fastRetries, hubtest.WithDataDir(dir))
	if out := postDelivery(t, e.h, e.zd.conn, echo); out["echo"] != float64(1) || out["applied"] != nil {
		t.Fatalf("the late echo of the hub's write: outcomes %v, want echo", out)
	}
	if got := e.status(t, 0); got != "available" {
		t.Fatalf("status %q after the late echo, want available kept", got)
	}
}

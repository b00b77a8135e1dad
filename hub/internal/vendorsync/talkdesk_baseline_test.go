package vendorsync_test

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
)

// Issue 17: an agent already On a Call in Talkdesk when the hub first polls the connection (the
// baseline) shows as on a call in the hub; before, the baseline was only recorded and the call never
// reported.
func TestTalkdeskCallInProgressAtTheFirstPollIsReported(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	user := e.linkUser(t, td, 0)
	if err := td.em.Change(user, "on_call"); err != nil {
		t.Fatal(err)
	}
	// The connection is polled once a rule uses it: its first poll finds the call in progress.
	e.ruleFor(t, td, "talkdesk", map[string]string{"available": "available", "on_call": "on-call"}, map[string]string{"available": "available"})
	eventually(t, 5*time.Second, "the call in progress shows in the hub", func() bool { return e.status(t, 0) == "on-call" })
	if err := td.em.Change(user, "available"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the call's end shows in the hub", func() bool { return e.status(t, 0) != "on-call" })
}

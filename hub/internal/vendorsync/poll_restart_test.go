package vendorsync_test

import (
	"context"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestPolledChangeWhileTheHubWasDownIsReported: a person's change in a polled vendor (Talkdesk) made
// while no hub was polling it reaches the hub once one polls again. Before, poll cursors lived in
// memory and a restarted hub's (or a new leader's) first poll only took a baseline: the change was
// never reported, and the hub kept the older status everywhere else.
func TestPolledChangeWhileTheHubWasDownIsReported(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, pollQuickly, hubtest.WithDataDir(dir))
	e := newEnv(t, h, 1)
	em := talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited})
	td := e.connect(t, "talkdesk", em)
	user := e.linkUser(t, td, 0)
	e.ruleFor(t, td, "talkdesk", map[string]string{"available": "available", tdLunch: "lunch"}, map[string]string{})
	saved := func() string {
		cur, err := h.App.Store.PollCursor(context.Background(), td.conn)
		if err != nil {
			t.Fatal(err)
		}
		return cur
	}
	testwait.For(t, "the first poll (a baseline) saved its cursor", func() bool { return strings.Contains(saved(), user) })
	if err := em.Change(user, tdLunch); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "Talkdesk's lunch polled into the hub", func() bool { return e.status(t, 0) == "lunch" })
	testwait.For(t, "the poll that took it saved its cursor", func() bool { return strings.Contains(saved(), talkdeskemu.Lunch.ID) })

	h.Stop()
	if err := em.Change(user, "available"); err != nil { // while no hub polls
		t.Fatal(err)
	}
	e.h = hubtest.Start(t, pollQuickly, hubtest.WithDataDir(dir))
	testwait.For(t, "the change made while the hub was down reaches it", func() bool { return e.status(t, 0) == "available" })
}

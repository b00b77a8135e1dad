package storetest

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/store"
)

// testPollCursors checks the saved poll cursors: none at first, the last one saved wins, and a
// connection's goes with it.
func testPollCursors(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	if got, err := s.PollCursor(ctx, f.conn.ID); err != nil || got != "" {
		t.Fatalf("cursor before any poll: %q %v; want none", got, err)
	}
	must(t, s.SavePollCursor(ctx, f.conn.ID, "2026-12-07T09:00:00Z|30001=Available", at))
	must(t, s.SavePollCursor(ctx, f.conn.ID, "2026-12-07T09:00:10Z|", at.Add(10*time.Second)))
	if got, err := s.PollCursor(ctx, f.conn.ID); err != nil || got != "2026-12-07T09:00:10Z|" {
		t.Fatalf("cursor %q %v; want the last saved", got, err)
	}
	must(t, s.SavePollCursor(ctx, "cn_gone", "x", at)) // a connection deleted meanwhile: nothing to keep
	if got, err := s.PollCursor(ctx, "cn_gone"); err != nil || got != "" {
		t.Fatalf("cursor of an unknown connection: %q %v", got, err)
	}
	must(t, s.DeleteConnection(ctx, f.tenant.ID, f.conn.ID))
	if got, err := s.PollCursor(ctx, f.conn.ID); err != nil || got != "" {
		t.Fatalf("cursor of a deleted connection: %q %v; want none", got, err)
	}
}

// testUserEvents checks the newest change kept per vendor user: an older one is old, the same one
// again (same time and state) is old, another state at the same time (a whole-second stamp) and a newer
// one are new.
func testUserEvents(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		what  string
		at    time.Time
		state string
		old   bool
	}{
		{"first", at, "away", false},
		{"the same change again (a poll after the webhook)", at, "away", true},
		{"another state in the same second", at, "online", false},
		{"older", at.Add(-time.Second), "offline", true},
		{"newer", at.Add(time.Second), "away", false},
		{"the one before the newest, again", at, "online", true},
	} {
		old, err := s.MarkUserEvent(ctx, f.conn.ID, "u1", c.at, c.state)
		if err != nil || old != c.old {
			t.Fatalf("%s: old=%v %v; want %v", c.what, old, err, c.old)
		}
	}
}

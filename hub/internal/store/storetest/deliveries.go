package storetest

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/store"
)

// testDeliveries checks what drift repair reads: the newest delivered write of an agent on a
// connection (not a pending, failed or superseded one), and the newest write of a state sent at least once.
func testDeliveries(t *testing.T, ctx context.Context, s *store.DB) {
	f := newPresenceFixture(t, ctx, s)
	tn, ag, cn := f.tenant.ID, f.agent.ID, f.conn.ID
	if _, err := s.LastDelivered(ctx, tn, ag, cn); err != store.ErrNotFound {
		t.Fatalf("nothing delivered yet: got %v; want ErrNotFound", err)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	w1, err := f.change(ctx, s, 0, "available", "online", at)
	must(t, err)
	must(t, s.MarkDelivered(ctx, w1.ID, at.Add(time.Second)))
	w2, err := f.change(ctx, s, 1, "offline", "offline", at.Add(2*time.Second))
	must(t, err)
	must(t, s.MarkDelivered(ctx, w2.ID, at.Add(3*time.Second)))
	w3, err := f.change(ctx, s, 2, "lunch", "away", at.Add(4*time.Second)) // pending
	must(t, err)
	last, err := s.LastDelivered(ctx, tn, ag, cn)
	must(t, err)
	if last.ID != w2.ID || last.VendorState != "offline" || !last.UpdateTime.Equal(at.Add(3*time.Second)) {
		t.Errorf("last delivered %s %q at %v; want %s offline answered at %v", last.ID, last.VendorState, last.UpdateTime, w2.ID, at.Add(3*time.Second))
	}
	// LastSent (the echo check's memory): sent at least once, a failed attempt included; never a write
	// not yet sent.
	if _, err := s.LastSent(ctx, tn, ag, cn, "42", "away"); err != store.ErrNotFound {
		t.Errorf("away never sent: LastSent = %v; want ErrNotFound", err)
	}
	must(t, s.MarkFailed(ctx, w3.ID, 1, at.Add(9*time.Second), "timeout", false, at.Add(5*time.Second)))
	for _, c := range []struct {
		state, id string
		answered  time.Time
	}{{"online", w1.ID, at.Add(time.Second)}, {"away", w3.ID, at.Add(5 * time.Second)}} {
		w, err := s.LastSent(ctx, tn, ag, cn, "42", c.state)
		must(t, err)
		if w.ID != c.id || !w.UpdateTime.Equal(c.answered) {
			t.Errorf("LastSent(%q) = %s answered %v; want %s answered %v", c.state, w.ID, w.UpdateTime, c.id, c.answered)
		}
	}
	if _, err := s.LastSent(ctx, tn, ag, cn, "43", "online"); err != store.ErrNotFound {
		t.Errorf("another vendor user: LastSent = %v; want ErrNotFound", err)
	}
}

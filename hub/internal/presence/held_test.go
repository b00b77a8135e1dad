package presence_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/shared/testwait"
)

// TestHeldChangesAreRestored: a change held when an engine stops is stored; the next engine on the
// same database restores it and applies it when due, unless a newer change of the agent overtook it.
func TestHeldChangesAreRestored(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	fc := clock.NewFake(time.Time{})
	engine := func() *presence.Engine {
		e := presence.New(f.st, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)),
			presence.Options{DefaultMaxChangesPerMinute: 6, Clock: fc}) // a burst of 1, then one every 10 s
		t.Cleanup(e.Close)
		return e
	}
	apply := func(e *presence.Engine, status, want string) {
		t.Helper()
		res, err := e.Apply(t.Context(), presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: status, Source: model.SourceAdmin})
		if err != nil || res.Outcome != want {
			t.Fatalf("%s: %+v %v, want %s", status, res, err, want)
		}
	}
	waitStored := func(what, status string, version int64) {
		t.Helper()
		testwait.Seen(t, 10*time.Second, what, func() (bool, string) {
			st, v := f.stored(t)
			return st == status && v == version, fmt.Sprintf("v%d %s", v, st)
		})
	}
	run := func(e *presence.Engine) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}

	a := engine()
	apply(a, "available", presence.OutcomeApplied)
	apply(a, "busy", presence.OutcomeCoalesced)
	a.Close() // as if the hub stopped: its timers are gone, the hold is stored

	b := engine()
	run(b)
	testwait.For(t, "the restored hold scheduled (Run's ticker and the flush)", func() bool { return timers(fc, 2) })
	if st, v := f.stored(t); st != "available" || v != 1 {
		t.Fatalf("applied before due: v%d %s", v, st)
	}
	fc.Advance(10 * time.Second)
	waitStored("the restored change applied when due", "busy", 2)
	apply(b, "lunch", presence.OutcomeCoalesced) // the flush spent the rate
	b.Close()

	// Meanwhile another replica, which never knew of the hold, applies a newer change.
	fc.Advance(time.Second)
	apply(engine(), "offline", presence.OutcomeApplied)
	d := engine()
	run(d)
	testwait.For(t, "the hold restored again", func() bool { return timers(fc, 2) })
	fc.Advance(10 * time.Second)
	testwait.For(t, "the overtaken hold resolved", func() bool {
		list, err := f.st.ListHeldChanges(context.Background(), fc.Now().Add(time.Hour), "", 10)
		return err == nil && len(list) == 0
	})
	if st, v := f.stored(t); st != "offline" || v != 3 {
		t.Fatalf("after the overtaken hold: v%d %s, want v3 offline (the newer change wins)", v, st)
	}
}

package presence_test

import (
	"context"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/testwait"
)

// everyConnection plans, like the vendor router, one write per connection except the change's source,
// each vendor's state named as the status.
type everyConnection []string

func (conns everyConnection) Plan(_ context.Context, agent *model.Agent, next *model.Presence, req presence.Request) ([]*model.OutboxWrite, error) {
	var writes []*model.OutboxWrite
	for _, c := range conns {
		if req.Source == model.SourceConnection && req.SourceID == c {
			continue
		}
		writes = append(writes, &model.OutboxWrite{ID: ids.New(ids.Write), TenantID: agent.TenantID, ConnectionID: c, AgentID: agent.ID,
			ExternalID: "u-" + c, Status: next.Status, VendorState: next.Status, PresenceVersion: next.Version,
			NextAttemptTime: next.UpdateTime, CreateTime: next.UpdateTime})
	}
	return writes, nil
}

// TestHeldVendorChangeResolvedUnappliedOwesItsSource is simulation seed 8170: a vendor change the
// engine holds leaves that vendor on the held state (its pending writes superseded when it reported
// it); when a later change equal to the status replaces the hold, the flush changes nothing — and
// the vendor must still be written the status, or it keeps a state the hub never took. A vendor that
// itself reported the final change is not written (it shows that state already).
func TestHeldVendorChangeResolvedUnappliedOwesItsSource(t *testing.T) {
	h := newOwedHarness(t)
	f, ctx, fc, apply, pending, flush := h.f, h.ctx, h.fc, h.apply, h.pending, h.flush
	zendesk, aircall := h.conns[0], h.conns[1]
	conns := h.conns
	apply("available", model.SourceAdmin, "ak_1", presence.OutcomeApplied) // writes available to both
	for _, c := range conns {
		must(t, f.st.SupersedePending(ctx, f.agent, c, math.MaxInt64, fc.Now())) // as if delivered
	}
	apply("lunch", model.SourceConnection, zendesk, presence.OutcomeCoalesced) // a person in Zendesk, over the rate
	apply("available", model.SourceAdmin, "ak_1", presence.OutcomeCoalesced)   // an admin, back to the status
	flush("the admin's change resolved (unchanged)")
	if st, v := f.stored(t); st != "available" || v != 1 {
		t.Fatalf("status %s v%d; want available v1 (nothing to apply)", st, v)
	}
	if got := pending(zendesk); len(got) != 1 || got[0] != "available if shows-lunch" {
		t.Fatalf("zendesk owed %v; want the status written back (available) while it shows the held lunch it reported", got)
	}
	if got := pending(aircall); len(got) != 0 {
		t.Fatalf("aircall owed %v; want nothing (it never left the status)", got)
	}

	must(t, f.st.SupersedePending(ctx, f.agent, zendesk, math.MaxInt64, fc.Now()))
	fc.Advance(10 * time.Second) // the rate allows one again
	apply("busy", model.SourceAdmin, "ak_1", presence.OutcomeApplied)
	for _, c := range conns {
		must(t, f.st.SupersedePending(ctx, f.agent, c, math.MaxInt64, fc.Now()))
	}
	apply("lunch", model.SourceConnection, aircall, presence.OutcomeCoalesced) // a person in Aircall
	apply("busy", model.SourceConnection, aircall, presence.OutcomeCoalesced)  // and back, in Aircall again
	flush("Aircall's change resolved (unchanged)")
	if got := pending(aircall); len(got) != 0 {
		t.Fatalf("aircall owed %v; want nothing: it reported the status itself last", got)
	}
}

// owedHarness is an engine on a fake clock (a burst of 1, then one change every 10 s) whose planner
// writes to two connections, Zendesk and Aircall, each vendor state named as the status.
type owedHarness struct {
	f       *fixture
	ctx     context.Context
	fc      *clock.Fake
	conns   everyConnection
	apply   func(status, source, sourceID, want string)
	pending func(conn string) []string
	flush   func(what string)
}

func newOwedHarness(t *testing.T) *owedHarness {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	ctx := t.Context()
	h := &owedHarness{f: f, ctx: ctx, fc: clock.NewFake(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))}
	for _, name := range []string{"zendesk", "aircall"} {
		c := &model.Connection{ID: ids.New(ids.Connection), TenantID: f.tenant, Name: name, Vendor: name, BaseURL: "https://" + name + ".example", Enabled: true}
		must(t, f.st.CreateConnection(ctx, c, nil))
		h.conns = append(h.conns, c.ID)
	}
	e := presence.New(f.st, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		presence.Options{DefaultMaxChangesPerMinute: 6, Clock: h.fc, Planner: h.conns})
	t.Cleanup(e.Close)
	h.apply = func(status, source, sourceID, want string) {
		t.Helper()
		req := presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: status, Source: source, SourceID: sourceID}
		if source == model.SourceConnection {
			req.VendorState = "shows-" + status // what that vendor reported
		}
		res, err := e.Apply(ctx, req)
		if err != nil || res.Outcome != want {
			t.Fatalf("%s from %s: %+v %v; want %s", status, sourceID, res, err, want)
		}
	}
	h.pending = func(conn string) []string {
		t.Helper()
		ws, _, err := f.st.ListWrites(ctx, f.tenant, conn, model.WritePending, store.Page{Size: 50})
		must(t, err)
		var states []string
		for _, w := range ws {
			states = append(states, w.VendorState+" if "+w.IfState)
		}
		return states
	}
	h.flush = func(what string) {
		t.Helper()
		testwait.For(t, "the flush timer set", func() bool { return timers(h.fc, 1) })
		h.fc.Advance(10 * time.Second)
		testwait.For(t, what, func() bool {
			hs, err := f.st.ListHeldChanges(ctx, h.fc.Now().Add(time.Hour), "", 10)
			return err == nil && len(hs) == 0
		})
	}
	return h
}

// TestHeldVendorChangeReplacedByAQueuedChangeOwesItsSource is simulation seed 67721: a Zendesk change
// held by flow control is replaced by the tray's newer request, which, let through, is queued behind
// the agent's call (the status stays on-call): it plans no write of its own, yet Zendesk still shows
// the held state and is owed the hub's status, conditionally.
func TestHeldVendorChangeReplacedByAQueuedChangeOwesItsSource(t *testing.T) {
	h := newOwedHarness(t)
	zendesk, aircall := h.conns[0], h.conns[1]
	h.apply("on-call", model.SourceConnection, aircall, presence.OutcomeApplied) // a call in Aircall
	for _, c := range h.conns {
		must(t, h.f.st.SupersedePending(h.ctx, h.f.agent, c, math.MaxInt64, h.fc.Now())) // as if delivered
	}
	h.apply("lunch", model.SourceConnection, zendesk, presence.OutcomeCoalesced) // a person in Zendesk, over the rate
	h.apply("available", model.SourceDevice, "dv_1", presence.OutcomeCoalesced)  // the tray, newer
	h.flush("the tray's change let through")
	p, err := h.f.st.GetPresence(h.ctx, h.f.tenant, h.f.agent)
	if err != nil || p.Status != "on-call" || p.QueuedStatus != "available" {
		t.Fatalf("presence %+v %v; want on-call with available queued", p, err)
	}
	if got := h.pending(zendesk); len(got) != 1 || got[0] != "on-call if shows-lunch" {
		t.Fatalf("zendesk owed %v; want the status written while it shows the held lunch", got)
	}
	if got := h.pending(aircall); len(got) != 0 {
		t.Fatalf("aircall owed %v; want nothing (it reported the call)", got)
	}
}

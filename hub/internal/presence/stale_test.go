package presence_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// Newest wins across sources: a vendor change stamped before the agent's newer status (or before a
// newer change flow control holds) is stale — recorded, not applied; one within StampGrace of it
// (vendors stamp whole seconds) still counts as newer.
func TestVendorChangeOlderThanTheStatusIsStale(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	fc := clock.NewFake(t0)
	e := presence.New(f.st, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		presence.Options{DefaultMaxChangesPerMinute: 12, Clock: fc, CachePresence: true})
	defer e.Close()
	ctx := t.Context()
	apply := func(status, source string, at time.Time) string {
		t.Helper()
		res, err := e.Apply(ctx, presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: status, Source: source,
			SourceID: "conn_talkdesk", Reason: "talkdesk: " + status, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return res.Outcome
	}
	fc.Advance(5 * time.Second)
	if got := apply("available", model.SourceDevice, time.Time{}); got != presence.OutcomeApplied {
		t.Fatalf("tray: %s", got)
	}
	fc.Advance(2 * time.Second) // the status is from t0+5s; a person's change in Talkdesk at t0+3s arrives now
	if got := apply("lunch", model.SourceConnection, t0.Add(3*time.Second)); got != presence.OutcomeStale {
		t.Fatalf("a change stamped 2 s before the status: %s; want stale", got)
	}
	if st, _ := f.stored(t); st != "available" {
		t.Fatalf("status %s; the stale change must not apply", st)
	}
	if got := apply("lunch", model.SourceConnection, t0.Add(4500*time.Millisecond)); got != presence.OutcomeApplied {
		t.Fatalf("a change stamped within a second of the status (a whole-second stamp): %s; want applied", got)
	}
	// Over the rate, the tray's change is held at t0+7s; Talkdesk's change stamped at t0+5s is older.
	if got := apply("busy", model.SourceDevice, time.Time{}); got != presence.OutcomeCoalesced {
		t.Fatalf("tray over the rate: %s; want coalesced", got)
	}
	fc.Advance(2 * time.Second)
	if got := apply("offline", model.SourceConnection, t0.Add(5*time.Second)); got != presence.OutcomeStale {
		t.Fatalf("a change stamped before the held one: %s; want stale (the held busy stays)", got)
	}
	entries, _, err := f.st.ListTimeline(ctx, f.tenant, f.agent, store.Page{Size: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	stale := 0
	for _, en := range entries {
		if en.Outcome == presence.OutcomeStale {
			stale++
		}
	}
	if stale != 2 {
		t.Fatalf("%d stale timeline entries; want 2 (the hub tells why a change did not apply)", stale)
	}
}

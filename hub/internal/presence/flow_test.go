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
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/testwait"
)

// fixture is a tenant with a small catalog and one agent on a real SQLite store.
type fixture struct {
	st     *store.DB
	tenant string
	agent  string
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "acme"}
	must(t, st.CreateTenant(ctx, tn))
	for i, name := range []string{"offline", "available", "busy", "lunch", "on-call"} {
		kind := map[string]string{"lunch": model.KindAway, "on-call": model.KindSystem}[name]
		if kind == "" {
			kind = name
		}
		must(t, st.CreateStatus(ctx, &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: name, DisplayName: name, Kind: kind, AgentSettable: true, Order: int32(i)}))
	}
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@acme.example"}
	must(t, st.CreateAgent(ctx, ag))
	return &fixture{st: st, tenant: tn.ID, agent: ag.ID}
}

func (f *fixture) stored(t *testing.T) (string, int64) {
	t.Helper()
	p, err := f.st.GetPresence(context.Background(), f.tenant, f.agent)
	if err != nil {
		return "", 0
	}
	return p.Status, p.Version
}

// timers reports whether the fake clock has at least n timers waiting (a query, it does not wait).
func timers(fc *clock.Fake, n int) bool {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	return fc.BlockUntilContext(done, n) == nil
}

// TestFlowControlInVirtualTime drives the per-agent rate limit with a fake clock: the burst applies, a
// change over the rate is held ("coalesced") and replaced by later ones, the latest is applied when the
// limiter allows (not before), and Close stops the flush timers.
func TestFlowControlInVirtualTime(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "hub.db"))
	fc := clock.NewFake(time.Time{})
	// 12 changes a minute: a burst of 2, then one every 5 s.
	e := presence.New(f.st, bus.NewLocal(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		presence.Options{DefaultMaxChangesPerMinute: 12, Clock: fc, CachePresence: true})
	defer e.Close()
	steps := []struct {
		name    string
		advance time.Duration // before the request
		status  string        // "" to only advance
		outcome string
		stored  string // the stored status afterwards (awaited: a flush runs on its own)
		version int64
		timer   bool // a flush is scheduled afterwards
	}{
		{"burst 1", 0, "available", presence.OutcomeApplied, "available", 1, false},
		{"burst 2", 0, "busy", presence.OutcomeApplied, "busy", 2, false},
		{"over the rate: held", 0, "lunch", presence.OutcomeCoalesced, "busy", 2, true},
		{"a later one replaces it", time.Second, "available", presence.OutcomeCoalesced, "busy", 2, true},
		{"even one equal to the current status", time.Second, "busy", presence.OutcomeCoalesced, "busy", 2, true},
		{"the latest wins", time.Second, "offline", presence.OutcomeCoalesced, "busy", 2, true},
		{"not flushed before the limiter allows", 1900 * time.Millisecond, "", "", "busy", 2, true},
		{"flushed when it does", 100 * time.Millisecond, "", "", "offline", 3, false},
		{"the flush spent the rate", 0, "lunch", presence.OutcomeCoalesced, "offline", 3, true},
		{"flushed 5 s later", 5 * time.Second, "", "", "lunch", 4, false},
		{"the rate refilled", 10 * time.Second, "available", presence.OutcomeApplied, "available", 5, false},
		{"an unchanged status spends nothing", 0, "available", presence.OutcomeUnchanged, "available", 5, false},
	}
	for _, s := range steps {
		fc.Advance(s.advance)
		if s.status != "" {
			res, err := e.Apply(t.Context(), presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: s.status, Source: model.SourceAdmin})
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if res.Outcome != s.outcome {
				t.Fatalf("%s: outcome %s, want %s", s.name, res.Outcome, s.outcome)
			}
		}
		testwait.Seen(t, 10*time.Second, s.name, func() (bool, string) {
			st, v := f.stored(t)
			return st == s.stored && v == s.version, fmt.Sprintf("v%d %s", v, st)
		})
		if got := timers(fc, 1); got != s.timer {
			t.Fatalf("%s: flush scheduled = %v, want %v", s.name, got, s.timer)
		}
	}
	// Nothing but the applied changes reached the timeline: the replaced ones never applied.
	entries, _, err := f.st.ListTimeline(t.Context(), f.tenant, f.agent, store.Page{Size: 50})
	must(t, err)
	var applied []string
	for i := len(entries) - 1; i >= 0; i-- {
		applied = append(applied, entries[i].Status)
	}
	if got, want := fmt.Sprint(applied), "[available busy offline lunch available]"; got != want {
		t.Fatalf("timeline %s, want %s", got, want)
	}

	// Close stops the flush timers: a change held when the engine closes is not applied by it.
	if res, err := e.Apply(t.Context(), presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: "busy", Source: model.SourceAdmin}); err != nil || res.Outcome != presence.OutcomeApplied {
		t.Fatalf("busy: %+v %v", res, err)
	}
	if res, err := e.Apply(t.Context(), presence.Request{TenantID: f.tenant, AgentID: f.agent, Status: "lunch", Source: model.SourceAdmin}); err != nil || res.Outcome != presence.OutcomeCoalesced {
		t.Fatalf("lunch: %+v %v", res, err)
	}
	if !timers(fc, 1) {
		t.Fatal("no flush scheduled for the held change")
	}
	e.Close()
	if timers(fc, 1) {
		t.Fatal("a timer is still scheduled after Close")
	}
	fc.Advance(time.Minute) // nothing is left to fire
	if st, v := f.stored(t); st != "busy" || v != 6 {
		t.Fatalf("after Close: v%d %s, want v6 busy", v, st)
	}
}

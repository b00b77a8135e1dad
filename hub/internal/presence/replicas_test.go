package presence_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/testenv"
)

// TestReplicasChangingOneAgentLoseNothing runs two engines, each on its own connection pool to one
// PostgreSQL database (two replicas), changing the same agent at once from several goroutines each. The
// engines serialize only their own requests; between replicas the versioned save decides. Every change
// applied has its own version, the timeline holds each one once, and each saw the one before it (its
// previous status is the status of the version before): no update is lost.
func TestReplicasChangingOneAgentLoseNothing(t *testing.T) {
	ctx := t.Context()
	dsn := testenv.Postgres(t)
	open := func() *store.DB {
		st, err := store.Open(ctx, "postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "acme"}
	must(t, a.CreateTenant(ctx, tn))
	statuses := []string{"available", "busy", "away"}
	for i, name := range append([]string{"offline"}, statuses...) {
		must(t, a.CreateStatus(ctx, &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: name, DisplayName: name, Kind: name, AgentSettable: true, Order: int32(i)}))
	}
	ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: "a@acme.example"}
	must(t, a.CreateAgent(ctx, ag))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := presence.Options{DefaultMaxChangesPerMinute: 1_000_000} // no flap control: every request counts
	engines := []*presence.Engine{presence.New(a, bus.NewLocal(), log, opts), presence.New(b, bus.NewLocal(), log, opts)}

	const perEngine, each = 3, 20
	var mu sync.Mutex
	applied := map[int64]string{} // version -> status
	var wg sync.WaitGroup
	for e, eng := range engines {
		for g := range perEngine {
			wg.Go(func() {
				for i := range each {
					status := statuses[(e+g+i)%len(statuses)]
					res, err := eng.Apply(context.Background(), presence.Request{TenantID: tn.ID, AgentID: ag.ID, Status: status, Source: model.SourceAdmin})
					if err != nil {
						t.Errorf("replica %d: applying %s: %v", e, status, err)
						return
					}
					if res.Outcome != presence.OutcomeApplied {
						continue
					}
					mu.Lock()
					if prev, dup := applied[res.Presence.Version]; dup {
						t.Errorf("version %d applied twice (%s and %s)", res.Presence.Version, prev, status)
					}
					applied[res.Presence.Version] = status
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	p, err := a.GetPresence(ctx, tn.ID, ag.ID)
	must(t, err)
	if int(p.Version) != len(applied) || applied[p.Version] != p.Status {
		t.Fatalf("stored v%d %s; %d changes applied", p.Version, p.Status, len(applied))
	}
	entries, _, err := b.ListTimeline(ctx, tn.ID, ag.ID, store.Page{Size: store.MaxPageSize})
	must(t, err)
	byVersion := map[int64]*model.TimelineEntry{}
	for _, e := range entries {
		if e.Outcome == presence.OutcomeApplied {
			byVersion[e.Version] = e
		}
	}
	for v := int64(1); v <= p.Version; v++ {
		e := byVersion[v]
		if e == nil || e.Status != applied[v] {
			t.Fatalf("timeline at v%d: %+v, want %s", v, e, applied[v])
		}
		if prev := byVersion[v-1]; prev != nil && e.PreviousStatus != prev.Status {
			t.Fatalf("v%d changed from %s, but v%d was %s: an update was lost", v, e.PreviousStatus, v-1, prev.Status)
		}
	}
	t.Logf("%d requests from 2 replicas, %d applied (v1..v%d), none lost", 2*perEngine*each, len(applied), p.Version)
}

package presence_test

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// A caching engine whose cached presence went stale (another writer changed the agent) must not lose
// that change: the versioned save fails, and the engine decides again on the stored row.
func TestCachedPresenceRecoversFromAnotherWriter(t *testing.T) {
	ctx := t.Context()
	st, tn, agents := newTenant(t, 1)
	agent := agents[0]
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cached := presence.New(st, bus.NewLocal(), log, presence.Options{CachePresence: true})
	other := presence.New(st, bus.NewLocal(), log, presence.Options{})
	apply := func(e *presence.Engine, status string) *presence.Result {
		t.Helper()
		res, err := e.Apply(ctx, presence.Request{TenantID: tn.ID, AgentID: agent, Status: status, Source: model.SourceAdmin})
		if err != nil {
			t.Fatalf("applying %s: %v", status, err)
		}
		return res
	}
	apply(cached, "available") // v1, now cached
	apply(other, "busy")       // v2, unseen by the cache
	res := apply(cached, "away")
	if res.Presence.Version != 3 || res.Presence.Status != "away" || res.Presence.PreviousStatus != "busy" {
		t.Fatalf("after another writer: %+v; want v3 away, previous busy", res.Presence)
	}
	stored, err := st.GetPresence(ctx, tn.ID, agent)
	must(t, err)
	if stored.Version != 3 || stored.Status != "away" {
		t.Fatalf("stored %+v", stored)
	}
	if res := apply(cached, "away"); res.Outcome != presence.OutcomeUnchanged || res.Presence.Version != 3 {
		t.Fatalf("repeat: %+v", res)
	}
}

// newTenant opens a store with a tenant whose catalog is offline, available, busy and away (all
// settable) and n agents.
func newTenant(t *testing.T, n int) (*store.DB, *model.Tenant, []string) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: "acme"}
	must(t, st.CreateTenant(ctx, tn))
	for i, kind := range []string{"offline", "available", "busy", "away"} {
		must(t, st.CreateStatus(ctx, &model.Status{ID: ids.New(ids.Status), TenantID: tn.ID, Name: kind, DisplayName: kind, Kind: kind, AgentSettable: true, Order: int32(i)}))
	}
	agents := make([]string, n)
	for i := range agents {
		ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: fmt.Sprintf("agent%d@acme.example", i)}
		must(t, st.CreateAgent(ctx, ag))
		agents[i] = ag.ID
	}
	return st, tn, agents
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

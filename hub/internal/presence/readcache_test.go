package presence_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
)

// countingStore counts presence reads and runs during (if set) in the middle of each.
type countingStore struct {
	*store.DB
	reads  atomic.Int64
	during func()
}

func (c *countingStore) GetPresence(ctx context.Context, tenantID, agentID string) (*model.Presence, error) {
	c.reads.Add(1)
	p, err := c.DB.GetPresence(ctx, tenantID, agentID)
	if c.during != nil {
		c.during()
	}
	return p, err
}

// A caching engine reads an agent's presence once, also when the agent never changed (no row), and
// then answers from memory; a read that raced a drop (another replica's change arriving meanwhile)
// is not kept; and a "no row" that went stale (another writer's first change) costs a conflict, not
// the change.
func TestCachedPresenceIsReadOnce(t *testing.T) {
	ctx := t.Context()
	st, tn, agents := newTenant(t, 3)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cs := &countingStore{DB: st}
	e := presence.New(cs, bus.NewLocal(), log, presence.Options{CachePresence: true})
	other := presence.New(st, bus.NewLocal(), log, presence.Options{})
	current := func(agent string) *model.Presence {
		t.Helper()
		p, err := e.Current(ctx, tn.ID, agent)
		must(t, err)
		return p
	}
	apply := func(e *presence.Engine, agent, status string) *presence.Result {
		t.Helper()
		res, err := e.Apply(ctx, presence.Request{TenantID: tn.ID, AgentID: agent, Status: status, Source: model.SourceAdmin})
		must(t, err)
		return res
	}

	// Never changed: read once, shown as the catalog's first offline status.
	for range 3 {
		if p := current(agents[0]); p.Status != "offline" || p.Version != 0 {
			t.Fatalf("never-changed agent: %+v", p)
		}
	}
	if n := cs.reads.Load(); n != 1 {
		t.Fatalf("%d reads for three snapshots of one agent, want 1", n)
	}
	if res := apply(e, agents[0], "available"); res.Presence.Version != 1 || cs.reads.Load() != 1 {
		t.Fatalf("first change from the cached no-row: %+v after %d reads", res.Presence, cs.reads.Load())
	}
	if p := current(agents[0]); p.Status != "available" || p.Version != 1 || cs.reads.Load() != 1 {
		t.Fatalf("after the change: %+v after %d reads", p, cs.reads.Load())
	}

	// A read during which the agent was dropped is not kept: the next one reads again, and is kept.
	cs.during = func() { e.Forget(agents[1]) }
	current(agents[1])
	cs.during = nil
	current(agents[1])
	current(agents[1])
	if n := cs.reads.Load(); n != 3 {
		t.Fatalf("%d reads, want 3: the raced read was kept", n)
	}

	// Another writer's first change behind a cached no-row: the save conflicts and decides again.
	apply(other, agents[1], "busy")
	res := apply(e, agents[1], "away")
	if res.Presence.Version != 2 || res.Presence.Status != "away" || res.Presence.PreviousStatus != "busy" {
		t.Fatalf("after another writer: %+v; want v2 away, previous busy", res.Presence)
	}

	// Without the cache, every snapshot reads.
	plain := &countingStore{DB: st}
	uncached := presence.New(plain, bus.NewLocal(), log, presence.Options{})
	for range 2 {
		if _, err := uncached.Current(ctx, tn.ID, agents[2]); err != nil {
			t.Fatal(err)
		}
	}
	if n := plain.reads.Load(); n != 2 {
		t.Fatalf("an engine without the cache read %d times for 2 snapshots", n)
	}
}

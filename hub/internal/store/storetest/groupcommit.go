package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testGroupCommit saves many agents' changes at once, so they share transactions (on PostgreSQL one
// multi-row statement per group), with some saves racing on purpose: every change that succeeds is stored with its timeline entry and write, every lost
// race fails alone and leaves nothing behind.
func testGroupCommit(t *testing.T, ctx context.Context, s *store.DB) {
	tn := mustTenant(t, ctx, s, "g")
	conn := &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID, Name: "c", Vendor: "zendesk", BaseURL: "https://x", Enabled: true}
	must(t, s.CreateConnection(ctx, conn, nil))
	const agents = 60
	fixtures := make([]presenceFixture, agents)
	for i := range fixtures {
		ag := &model.Agent{ID: ids.New(ids.Agent), TenantID: tn.ID, Email: fmt.Sprintf("g%d@x", i),
			Identities: []model.Identity{{ConnectionID: conn.ID, ExternalID: fmt.Sprint(i)}}}
		must(t, s.CreateAgent(ctx, ag))
		fixtures[i] = presenceFixture{tenant: tn, conn: conn, agent: ag}
	}
	// Round 1: each agent's first save twice at once; exactly one of each pair wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := map[string]int{}, 0
	for _, f := range fixtures {
		for _, status := range []string{"available", "busy"} {
			wg.Go(func() {
				_, err := f.change(ctx, s, 0, status, status, time.Now())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[f.agent.ID]++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("save: %v", err)
				}
			})
		}
	}
	wg.Wait()
	if len(wins) != agents || conflicts != agents {
		t.Fatalf("%d agents saved, %d conflicts; want each agent saved once and %d conflicts", len(wins), conflicts, agents)
	}
	if commits, changes := s.GroupCommits(); commits >= changes {
		t.Logf("no group formed: %d changes in %d commits", changes, commits) // possible on a busy machine, not an error
	}
	// Round 2: every agent moves on once more, all at once.
	for _, f := range fixtures {
		wg.Go(func() {
			if _, err := f.change(ctx, s, 1, "lunch", "away", time.Now()); err != nil {
				t.Errorf("second save: %v", err)
			}
		})
	}
	wg.Wait()
	// Round 3: two changes per agent against the same version, at once: one wins, one conflicts.
	wins, conflicts = map[string]int{}, 0
	for _, f := range fixtures {
		for range 2 {
			wg.Go(func() {
				_, err := f.change(ctx, s, 2, "busy", "away", time.Now())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[f.agent.ID]++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("third save: %v", err)
				}
			})
		}
	}
	wg.Wait()
	for _, f := range fixtures {
		if wins[f.agent.ID] != 1 {
			t.Fatalf("agent %s: %d of 2 racing saves won; want exactly 1", f.agent.ID, wins[f.agent.ID])
		}
	}
	for _, f := range fixtures {
		p, err := s.GetPresence(ctx, tn.ID, f.agent.ID)
		must(t, err)
		tl, _, err := s.ListTimeline(ctx, tn.ID, f.agent.ID, store.Page{})
		must(t, err)
		if p.Version != 3 || p.Status != "busy" || len(tl) != 3 {
			t.Fatalf("agent %s: presence %+v with %d timeline entries; want busy at version 3 and 3 entries", f.agent.ID, p, len(tl))
		}
		w, err := s.LatestWrite(ctx, tn.ID, f.agent.ID, conn.ID)
		must(t, err)
		if w.VendorState != "away" || w.PresenceVersion != 3 || w.State != model.WritePending {
			t.Fatalf("agent %s: latest write %+v; want away for version 3, pending", f.agent.ID, w)
		}
	}
}

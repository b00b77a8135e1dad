package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testGroupCommit saves many agents' changes at once, so they share transactions (on PostgreSQL one
// multi-row statement per group), with some saves racing on purpose: every change that succeeds is stored with its timeline entry and write, every lost
// race fails alone and leaves nothing behind.
func testGroupCommit(t *testing.T, ctx context.Context, s *store.DB) {
	const agents = 60
	fixtures := newPresenceFixtures(t, ctx, s, "g", agents)
	tn, conn := fixtures[0].tenant, fixtures[0].conn
	// race saves two changes per agent against the same version, all at once, and counts the winners
	// per agent and the version conflicts.
	race := func(round string, version int64, statuses [2]string, vendorState func(status string) string) (map[string]int, int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := map[string]int{}, 0
		for _, f := range fixtures {
			for _, status := range statuses {
				wg.Go(func() {
					_, err := f.change(ctx, s, version, status, vendorState(status), time.Now())
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins[f.agent.ID]++
					case errors.Is(err, store.ErrVersionRace):
						conflicts++
					default:
						t.Errorf("%s save: %v", round, err)
					}
				})
			}
		}
		wg.Wait()
		return wins, conflicts
	}
	// Round 1: each agent's first save twice at once; exactly one of each pair wins.
	wins, conflicts := race("first", 0, [2]string{"available", "busy"}, func(status string) string { return status })
	if len(wins) != agents || conflicts != agents {
		t.Fatalf("%d agents saved, %d conflicts; want each agent saved once and %d conflicts", len(wins), conflicts, agents)
	}
	if commits, changes := s.GroupCommits(); commits >= changes {
		t.Logf("no group formed: %d changes in %d commits", changes, commits) // possible on a busy machine, not an error
	}
	// Round 2: every agent moves on once more, all at once.
	var wg sync.WaitGroup
	for _, f := range fixtures {
		wg.Go(func() {
			if _, err := f.change(ctx, s, 1, "lunch", "away", time.Now()); err != nil {
				t.Errorf("second save: %v", err)
			}
		})
	}
	wg.Wait()
	// Round 3: two changes per agent against the same version, at once: one wins, one conflicts.
	wins, _ = race("third", 2, [2]string{"busy", "busy"}, func(string) string { return "away" })
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

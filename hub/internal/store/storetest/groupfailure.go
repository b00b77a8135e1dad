package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// testGroupFailure saves changes at once where some are bad (their vendor write names a connection that
// does not exist): each bad change fails alone, the good ones that shared its transaction commit, and
// the store goes on committing afterwards (the transaction that failed was rolled back, not left open).
func testGroupFailure(t *testing.T, ctx context.Context, s *store.DB) {
	const agents = 40
	fixtures := newPresenceFixtures(t, ctx, s, "f", agents)
	tn := fixtures[0].tenant
	bad := func(i int) bool { return i%5 == 0 }
	errs := make([]error, agents)
	var wg sync.WaitGroup
	for i, f := range fixtures {
		if bad(i) {
			f.conn = &model.Connection{ID: ids.New(ids.Connection), TenantID: tn.ID}
		}
		wg.Go(func() { _, errs[i] = f.change(ctx, s, 0, "available", "online", time.Now()) })
	}
	wg.Wait()
	for i, f := range fixtures {
		p, err := s.GetPresence(ctx, tn.ID, f.agent.ID)
		switch {
		case bad(i) && errs[i] == nil:
			t.Errorf("agent %d: a change whose write names no connection was saved", i)
		case bad(i) && !errors.Is(err, store.ErrNotFound):
			t.Errorf("agent %d: the failed change left a presence behind (%v, %v)", i, p, err)
		case !bad(i) && errs[i] != nil:
			t.Errorf("agent %d: a good change failed with its group: %v", i, errs[i])
		case !bad(i) && (err != nil || p.Version != 1):
			t.Errorf("agent %d: good change not stored: %+v, %v", i, p, err)
		}
	}
	// The store still commits, alone and in groups.
	for i, f := range fixtures {
		if !bad(i) {
			wg.Go(func() {
				if _, err := f.change(ctx, s, 1, "away", "away", time.Now()); err != nil {
					t.Errorf("agent %d: change after the failures: %v", i, err)
				}
			})
		}
	}
	wg.Wait()
}

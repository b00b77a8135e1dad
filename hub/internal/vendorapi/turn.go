package vendorapi

import "context"

// Turn lets one caller at a time through a slow step (signing in to a vendor), and ends a wait for it
// with the waiter's context. It is a channel rather than a sync.Mutex so that the wait also counts as
// blocked for testing/synctest: the simulation's virtual time passes only when every goroutine is
// durably blocked, and a goroutine waiting on a mutex held across a request that times out in virtual
// time would stop the clock for good.
type Turn chan struct{}

// NewTurn returns a free turn.
func NewTurn() Turn { return make(Turn, 1) }

// Take waits for the turn, or for ctx to end (its error).
func (t Turn) Take(ctx context.Context) error {
	select {
	case t <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Give hands the turn back.
func (t Turn) Give() { <-t }

package vendorsync

import (
	"sync"
	"time"
)

// echoes remembers the writes the hub just made, so the change notification a vendor fires for our own
// write (its "echo") is recognised and dropped instead of being applied as a new change. A write is
// expected from just before it is sent until window after; a matching notification consumes it.
type echoes struct {
	mu     sync.Mutex
	window time.Duration
	now    func() time.Time
	m      map[string]map[string]time.Time // connection|user -> state -> expiry
	// written: connection|user -> when the hub last wrote there
	written map[string]time.Time
}

func newEchoes(window time.Duration, now func() time.Time) *echoes {
	return &echoes{window: window, now: now, m: map[string]map[string]time.Time{}, written: map[string]time.Time{}}
}

func echoKey(connectionID, externalID string) string { return connectionID + "|" + externalID }

// expect notes that the hub is about to write state.
func (e *echoes) expect(connectionID, externalID, state string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if len(e.m) > 10000 {
		for k, states := range e.m {
			for st, exp := range states {
				if now.After(exp) {
					delete(states, st)
				}
			}
			if len(states) == 0 {
				delete(e.m, k)
			}
		}
		for k, at := range e.written {
			if now.Sub(at) > e.window {
				delete(e.written, k)
			}
		}
	}
	k := echoKey(connectionID, externalID)
	if e.m[k] == nil {
		e.m[k] = map[string]time.Time{}
	}
	e.m[k][state] = now.Add(e.window)
	e.written[k] = now
}

// consume reports whether a reported change is the echo of a recent write, and forgets that write.
// A vendor read in order (polled: its state now) that shows another state has moved past every write
// still expected there, so those are forgotten too: the state they would echo may come back later as
// the agent's own choice. Likewise, one that shows the echo of a write has moved past the writes made
// before it (a write that changed nothing there never echoes).
func (e *echoes) consume(connectionID, externalID, state string, ordered bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := echoKey(connectionID, externalID)
	exp, ok := e.m[k][state]
	if ordered || ok {
		delete(e.m[k], state)
	}
	if ordered && ok {
		for st, other := range e.m[k] {
			if other.Before(exp) {
				delete(e.m[k], st)
			}
		}
	}
	if ordered && !ok {
		delete(e.m, k)
	}
	if len(e.m[k]) == 0 {
		delete(e.m, k)
	}
	return ok && !e.now().After(exp)
}

// recent reports whether the hub wrote to this user within the window: a change the vendor reports
// then may be older than our write (vendors deliver notifications late and unordered).
func (e *echoes) recent(connectionID, externalID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	at, ok := e.written[echoKey(connectionID, externalID)]
	return ok && e.now().Sub(at) <= e.window
}

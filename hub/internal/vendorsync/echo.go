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
	m      map[string]time.Time // connection|user|state -> expiry
}

func newEchoes(window time.Duration, now func() time.Time) *echoes {
	return &echoes{window: window, now: now, m: map[string]time.Time{}}
}

func echoKey(connectionID, externalID, state string) string {
	return connectionID + "|" + externalID + "|" + state
}

// expect notes that the hub is about to write state.
func (e *echoes) expect(connectionID, externalID, state string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if len(e.m) > 10000 {
		for k, exp := range e.m {
			if now.After(exp) {
				delete(e.m, k)
			}
		}
	}
	e.m[echoKey(connectionID, externalID, state)] = now.Add(e.window)
}

// consume reports whether a reported change is the echo of a recent write, and forgets that write.
func (e *echoes) consume(connectionID, externalID, state string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := echoKey(connectionID, externalID, state)
	exp, ok := e.m[k]
	if !ok {
		return false
	}
	delete(e.m, k)
	return !e.now().After(exp)
}

// recent reports whether the hub wrote anything to this user within the window (used for vendors that
// mark API-made changes: such a change is ours only if we wrote lately).
func (e *echoes) recent(connectionID, externalID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	prefix := connectionID + "|" + externalID + "|"
	now := e.now()
	for k, exp := range e.m {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix && !now.After(exp) {
			return true
		}
	}
	return false
}

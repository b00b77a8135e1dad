package vendorsync

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// echoes remembers the writes the hub makes, so that the change notification a vendor fires for our
// own write (its "echo") is recognised and dropped instead of being applied as a new change. An echo is
// recognised by what the hub wrote — connection, vendor user and state — and, where the vendor stamps
// its changes, by time: a change stamped after the vendor answered our write was made after it (by a
// person), so it is no echo even in the state we wrote. Nothing is dropped for arriving soon after a
// write: a change to another state is always applied. A write is expected from just before it is sent
// until window after its answer (the window bounds memory, it never makes a change an echo).
type echoes struct {
	mu     sync.Mutex
	window time.Duration
	clock  clock.Clock
	m      map[string][]*expectedWrite // connection|user -> writes, oldest first
}

// expectedWrite is one write whose echo may still come.
type expectedWrite struct {
	state string
	// answered is when the vendor answered the write (zero while it is on its way): the vendor applied
	// it no later than that.
	answered time.Time
	// lateUntil, for a write whose request timed out, is how late the vendor may have applied it: it
	// may process a request after the hub gave up on it (seed 107981: Salesforce stamped the write 50 ms
	// after the hub's timeout). Only echo matching looks past the answer; the write is answered for
	// everything else (it is not landable over later changes for that).
	lateUntil time.Time
	expires   time.Time
}

// lateApply bounds how long after a timed-out request the vendor may still apply it.
const lateApply = 5 * time.Second

// timedOut reports whether a write's request timed out: the vendor may still apply it after the hub
// gave up on it (seed 107981).
func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// lastEchoStamp is the latest stamp an echo of an answered write can carry: its answer, or lateApply
// past it when the request timed out.
func (w *expectedWrite) lastEchoStamp() time.Time {
	if !w.lateUntil.IsZero() {
		return w.lateUntil
	}
	return w.answered
}

func newEchoes(window time.Duration, clk clock.Clock) *echoes {
	return &echoes{window: window, clock: clock.OrReal(clk), m: map[string][]*expectedWrite{}}
}

func echoKey(connectionID, externalID string) string { return connectionID + "|" + externalID }

// expect notes that the hub is about to write state.
func (e *echoes) expect(connectionID, externalID, state string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	if len(e.m) > 10000 {
		for k := range e.m {
			e.prune(k, now)
		}
	}
	k := echoKey(connectionID, externalID)
	e.m[k] = append(e.m[k], &expectedWrite{state: state, expires: now.Add(e.window)})
}

// answer notes that the vendor answered the hub's write of state at (success or failure: either way it
// applied it, if at all, no later than that), or that the request timed out then (timedOut: it may have
// applied it up to lateApply later).
func (e *echoes) answer(connectionID, externalID, state string, at time.Time, timedOut bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := echoKey(connectionID, externalID)
	list := e.m[k]
	for i := len(list) - 1; i >= 0; i-- {
		if w := list[i]; w.state == state && w.answered.IsZero() {
			w.answered, w.expires = at, at.Add(e.window)
			if timedOut {
				w.lateUntil = at.Add(lateApply)
			}
			return
		}
	}
}

// prune drops the expired writes of one key; e.mu must be held.
func (e *echoes) prune(k string, now time.Time) {
	list := e.m[k][:0]
	for _, w := range e.m[k] {
		if !now.After(w.expires) {
			list = append(list, w)
		}
	}
	if len(list) == 0 {
		delete(e.m, k)
		return
	}
	e.m[k] = list
}

// consume reports whether a reported change (state, stamped at by the vendor; zero when it does not
// say) is the echo of one of the hub's writes. Webhooks come late, duplicated and unordered, so every
// write still expected is matched and none is forgotten by matching. A polled vendor is read in order
// (its state now): one that shows the echo of a write has moved past that write and the ones before it,
// and one that shows anything else, stamped, has moved past every write answered before that stamp;
// those are forgotten, so the agent choosing such a state later is not mistaken for an echo. A write
// still on its way, or answered after, is kept: the read may predate it (see movedPast).
func (e *echoes) consume(connectionID, externalID, state string, at time.Time, ordered bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := echoKey(connectionID, externalID)
	e.prune(k, e.now())
	list := e.m[k]
	match := -1
	for i := len(list) - 1; i >= 0; i-- {
		if w := list[i]; w.state == state && (at.IsZero() || w.answered.IsZero() || !at.After(w.lastEchoStamp())) {
			match = i
			break
		}
	}
	if ordered {
		if match >= 0 {
			list = list[match+1:]
		} else {
			list = slices.DeleteFunc(list, func(w *expectedWrite) bool { return movedPast(w, at) })
		}
		if e.m[k] = list; len(list) == 0 {
			delete(e.m, k)
		}
	}
	return match >= 0
}

// movedPast reports whether a vendor read in order, showing another state stamped at, has moved past
// write w: w was answered before that state was set. A write on its way, or answered after the state
// read was set, may still land and echo. A read without a stamp (Teams) moves past nothing: it may be
// older than the write (Graph's presence reads lag behind its writes), so the write stays expected
// until the echo window ends (seed 49245: a late read showed the person's earlier Available after the
// hub's Away had landed; the Away read next was taken for a person's change).
func movedPast(w *expectedWrite, at time.Time) bool {
	return !w.answered.IsZero() && !at.IsZero() && w.answered.Before(at)
}

// landable returns the states of the hub's writes to this user that may show in the vendor over a
// change it reports now, stamped at (zero: not stamped): vendors deliver notifications late and
// unordered. Those are the writes still expected that were on their way, or answered no earlier than
// the change's stamp (all of them for an unstamped change); a change stamped after the vendor answered a
// write was made after it. It never makes a change an echo; the hub writes its status back after
// applying the change where one of them would disagree with it (reassertion).
func (e *echoes) landable(connectionID, externalID string, at time.Time) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := echoKey(connectionID, externalID)
	e.prune(k, e.now())
	// Writes reach the vendor in order: once one is answered, the ones before it cannot show any more
	// (seed 76253: an older Available, still expected after an unstamped read, was "landable" under the
	// newer Away and the hub wrote Away over the person's BeRightBack).
	list := e.m[k]
	from := 0
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].answered.IsZero() {
			from = i
			break
		}
	}
	var out []string
	for _, w := range list[from:] {
		if w.answered.IsZero() || at.IsZero() || !at.After(w.answered) {
			out = append(out, w.state)
		}
	}
	return out
}

// now is the time on the echoes' clock, in UTC.
func (e *echoes) now() time.Time { return e.clock.Now().UTC() }

package presence

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/store"
)

// flowControl bounds the change rate per agent. A change over the rate is not dropped: it is held, and
// later ones replace it, so the agent ends up in the latest requested status once the rate allows. It
// owns the timers that flush held changes: close stops them and waits for flushes already running.
// Time is the injected clock's, so tests and the simulation run it in virtual time.
type flowControl struct {
	clock     clock.Clock
	mu        sync.Mutex
	flows     map[string]*flow
	lastPrune time.Time
	closed    bool
	running   sync.WaitGroup // flushes started by a timer
}

type flow struct {
	limiter *rate.Limiter
	perMin  int
	held    *heldChange // the change waiting for the rate (nil: none)
	timer   clock.Timer // flushes held (nil: none scheduled)
	lastUse time.Time
}

// heldChange is a change over the rate, waiting for its flush.
type heldChange struct {
	// id names this hold; a later change replacing it gets a new one.
	id  string
	req Request
	// due is when the flush runs; since is when the change was requested.
	due, since time.Time
	// owed lists the connections the agent's status is written to if the change is resolved without
	// being applied, with the state each reported (see owedAfter).
	owed []store.Owed
}

func newFlowControl(c clock.Clock) *flowControl {
	return &flowControl{clock: c, flows: map[string]*flow{}}
}

// flowOf returns the agent's flow, made for perMin (a new rate starts a new limiter). f.mu is held.
func (f *flowControl) flowOf(agentID string, perMin int) *flow {
	now := f.clock.Now()
	fl := f.flows[agentID]
	if fl == nil || fl.perMin != perMin {
		burst := max(1, perMin/6)
		old := fl
		fl = &flow{limiter: rate.NewLimiter(rate.Limit(float64(perMin)/60), burst), perMin: perMin}
		if old != nil {
			fl.held, fl.timer = old.held, old.timer
		}
		f.flows[agentID] = fl
		f.prune(now)
	}
	fl.lastUse = now
	return fl
}

// allow reports whether a change of the agent may apply now (nothing held, and the rate allows one),
// spending the rate when it does.
func (f *flowControl) allow(agentID string, perMin int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flowOf(agentID, perMin)
	return fl.held == nil && fl.limiter.AllowN(f.clock.Now(), 1)
}

// due says when a change held now would be flushed: the flush already scheduled, or the next time the
// rate allows one.
func (f *flowControl) due(agentID string, perMin int) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flowOf(agentID, perMin)
	if fl.held != nil && fl.timer != nil {
		return fl.held.due
	}
	now := f.clock.Now()
	tokens := fl.limiter.TokensAt(now)
	if tokens >= 1 {
		return now
	}
	return now.Add(time.Duration((1 - tokens) / float64(fl.limiter.Limit()) * float64(time.Second)))
}

// hold makes h the agent's held change, replacing any held before. Unless a flush is scheduled
// already, one is, at h.due; it runs fire on its own goroutine (fire takes the held change itself, under
// the agent's lock, so flushes and new requests stay in order).
func (f *flowControl) hold(agentID string, perMin int, h *heldChange, fire func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flowOf(agentID, perMin)
	if fl.held != nil && fl.timer != nil {
		h.due = fl.held.due
	}
	fl.held = h
	if fl.timer == nil && !f.closed {
		fl.timer = f.clock.AfterFunc(max(h.due.Sub(f.clock.Now()), 0), f.run(agentID, fire))
	}
}

// spend counts a flushed change against the agent's rate (possibly into debt: the next change waits).
func (f *flowControl) spend(agentID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl := f.flows[agentID]; fl != nil {
		fl.limiter.ReserveN(f.clock.Now(), 1)
	}
}

// retry schedules another flush of the agent's held change after d (the last one failed).
func (f *flowControl) retry(agentID string, d time.Duration, fire func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flows[agentID]
	if fl == nil || fl.held == nil || f.closed {
		return
	}
	fl.held.due = f.clock.Now().Add(d)
	fl.timer = f.clock.AfterFunc(d, f.run(agentID, fire))
}

// run wraps a flush so close can wait for it, and marks the agent's timer spent.
func (f *flowControl) run(agentID string, fire func()) func() {
	return func() {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return
		}
		if fl := f.flows[agentID]; fl != nil {
			fl.timer = nil
		}
		f.running.Add(1)
		f.mu.Unlock()
		defer f.running.Done()
		fire()
	}
}

// peek returns the agent's held change (nil when none).
func (f *flowControl) peek(agentID string) *heldChange {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl := f.flows[agentID]; fl != nil {
		return fl.held
	}
	return nil
}

// release forgets the agent's held change once it is resolved, unless a newer one replaced it meanwhile.
func (f *flowControl) release(agentID, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl := f.flows[agentID]; fl != nil && fl.held != nil && fl.held.id == id {
		fl.held = nil
	}
}

// close stops every scheduled flush and waits for the ones running. Held changes stay held.
func (f *flowControl) close() {
	f.mu.Lock()
	f.closed = true
	for _, fl := range f.flows {
		if fl.timer != nil {
			fl.timer.Stop()
			fl.timer = nil
		}
	}
	f.mu.Unlock()
	f.running.Wait()
}

// prune forgets idle agents so the map does not grow without bound. It walks the whole map, so it runs
// at most once a minute: a hub with many agents would otherwise walk it for every new agent. f.mu is held.
func (f *flowControl) prune(now time.Time) {
	if len(f.flows) < 10000 || now.Sub(f.lastPrune) < time.Minute {
		return
	}
	f.lastPrune = now
	cutoff := now.Add(-10 * time.Minute)
	for id, fl := range f.flows {
		if fl.held == nil && fl.timer == nil && fl.lastUse.Before(cutoff) {
			delete(f.flows, id)
		}
	}
}

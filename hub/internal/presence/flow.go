package presence

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// flowControl bounds the change rate per agent. A change over the rate is not dropped: it is held, and
// later ones replace it, so the agent ends up in the latest requested status once the rate allows.
type flowControl struct {
	mu        sync.Mutex
	flows     map[string]*flow
	lastPrune time.Time
}

type flow struct {
	limiter *rate.Limiter
	perMin  int
	pending *Request
	lastUse time.Time
}

func newFlowControl() *flowControl { return &flowControl{flows: map[string]*flow{}} }

// admit reports whether req may apply now; if not, it becomes the agent's pending change and delay says
// when a flush should run (0 when one is already scheduled).
func (f *flowControl) admit(req Request, perMin int) (delay time.Duration, limited bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flows[req.AgentID]
	if fl == nil || fl.perMin != perMin {
		burst := max(1, perMin/6)
		fl = &flow{limiter: rate.NewLimiter(rate.Limit(float64(perMin)/60), burst), perMin: perMin}
		f.flows[req.AgentID] = fl
		f.prune()
	}
	fl.lastUse = time.Now()
	if fl.pending != nil {
		r := req
		fl.pending = &r
		return 0, true
	}
	if fl.limiter.Allow() {
		return 0, false
	}
	r := req
	fl.pending = &r
	return max(fl.limiter.Reserve().Delay(), time.Millisecond), true
}

// pending reports whether a change is held for the agent.
func (f *flowControl) pending(agentID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flows[agentID]
	return fl != nil && fl.pending != nil
}

// schedule runs fn after delay (no-op when delay is 0: a run is already scheduled). fn takes the
// pending request itself, under the agent's lock, so flushes and new requests stay in order.
func (f *flowControl) schedule(delay time.Duration, fn func()) {
	if delay == 0 {
		return
	}
	time.AfterFunc(delay, fn)
}

// take removes and returns the agent's pending request (nil when none).
func (f *flowControl) take(agentID string) *Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.flows[agentID]
	if fl == nil {
		return nil
	}
	req := fl.pending
	fl.pending = nil
	return req
}

// prune forgets idle agents so the map does not grow without bound. It walks the whole map, so it runs
// at most once a minute: a hub with many agents would otherwise walk it for every new agent.
func (f *flowControl) prune() {
	now := time.Now()
	if len(f.flows) < 10000 || now.Sub(f.lastPrune) < time.Minute {
		return
	}
	f.lastPrune = now
	cutoff := now.Add(-10 * time.Minute)
	for id, fl := range f.flows {
		if fl.pending == nil && fl.lastUse.Before(cutoff) {
			delete(f.flows, id)
		}
	}
}

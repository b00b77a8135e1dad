package simulation

import (
	"context"
	"slices"
	"strings"
	"testing/synctest"
	"time"
)

// quietTime is how long the hub gets, once faults stop, to bring every vendor in line: longer than
// the longest backoff, a hanging request's timeout, a Retry-After, a held change and a drift interval.
const quietTime = 90 * time.Second

// Result is one seed's run.
type Result struct {
	Seed       uint64
	Steps      int
	Restarts   int
	Trace      string
	Violations []Violation
	short      func(focus string) string
}

// Violation is one failed check of a seed.
type Violation struct {
	Check string
	Msg   string
	Focus string
}

// Short is the trace cut around a violation.
func (r *Result) Short(v Violation) string { return r.short(v.Focus) }

// Failed lists the violations of the checks in enabled (all when nil).
func (r *Result) Failed(enabled func(check string) bool) []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if enabled == nil || enabled(v.Check) {
			out = append(out, v)
		}
	}
	return out
}

// Run plays one seed in dir. It must run inside a synctest bubble (synctest.Test): time is virtual,
// and between steps everything the hub started has finished or is durably blocked (synctest.Wait).
func Run(seed uint64, dir string) (*Result, error) {
	w, err := newWorld(seed, dir)
	if err != nil {
		return nil, err
	}
	closed := false
	defer func() {
		if !closed {
			w.close()
		}
	}()
	synctest.Wait()
	steps := 12 + w.rng.IntN(20)
	for i := range steps {
		w.step(i + 1)
	}
	w.quiet(steps + 1)
	restarts := w.gen() - 1
	w.check(context.Background(), w.hub.st) // what is committed, read at rest
	w.close()
	closed = true
	res := &Result{Seed: seed, Steps: steps, Restarts: restarts, Trace: w.trace.String(),
		short: func(focus string) string { return w.trace.short([]string{focus}, 40) }}
	for _, v := range w.violations {
		res.Violations = append(res.Violations, Violation{Check: v.check, Msg: v.msg, Focus: v.focus})
	}
	slices.SortStableFunc(res.Violations, func(a, b Violation) int { return strings.Compare(a.Check, b.Check) })
	return res, nil
}

// quiet stops every fault and lets the hub work for quietTime: delayed webhooks arrive, nothing is
// dropped or replayed any more, writes retry, polls and drift repair run on their intervals.
func (w *World) quiet(step int) {
	w.trace.step = step
	for _, v := range w.order {
		w.vendors[v].setFault(fault{})
	}
	w.trace.add("faults stop; quiet for %s", quietTime)
	for end := time.Now().Add(quietTime); time.Now().Before(end); {
		w.tick(10*time.Second, false)
	}
	w.settle()
	w.trace.add("quiet time over")
}

// settle lets the work still under way finish — polls and drift repair, writes waiting for their pace
// — and delivers what it queued, so the checks see a hub at rest.
func (w *World) settle() {
	h := w.hub
	for range 3 {
		for w.release(); h.running(); w.release() {
			time.Sleep(time.Second)
		}
		h.mgr.DispatchDue(h.ctx)
		h.mgr.WaitDeliveries()
		w.webhook.process(w.trace.step, false)
		synctest.Wait()
	}
}

// release lets every held answer go and waits for what it unblocks.
func (w *World) release() bool {
	for _, v := range w.order {
		w.vendors[v].release()
	}
	synctest.Wait()
	return true
}

// Package clock is the hub's one source of time. Everything whose behaviour depends on time (engine flow
// control, echo expectations, outbox backoff and pacing, polling, drift repair, heartbeats) takes a
// Clock, so tests and the deterministic simulation run it in virtual time. It is
// github.com/jonboulle/clockwork's interface: Real in production, NewFake in tests (Advance moves time
// and fires what is due).
package clock

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// Clock tells the time and makes timers and tickers.
type Clock = clockwork.Clock

// Fake is a Clock that moves only when told (Advance), for tests and the simulation.
type Fake = clockwork.FakeClock

// Timer and Ticker are what a Clock makes.
type (
	Timer  = clockwork.Timer
	Ticker = clockwork.Ticker
)

// Real is the wall clock.
func Real() Clock { return clockwork.NewRealClock() }

// NewFake is a fake clock starting at start (the zero time: a fixed date, so runs are reproducible).
func NewFake(start time.Time) *Fake {
	if start.IsZero() {
		start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	}
	return clockwork.NewFakeClockAt(start)
}

// OrReal returns c, or the wall clock when c is nil (an option left unset).
func OrReal(c Clock) Clock {
	if c == nil {
		return Real()
	}
	return c
}

package stream

import "time"

// Clock makes the heartbeat testable.
type Clock interface {
	NewTicker(d time.Duration) Ticker
}

// Ticker is the part of time.Ticker the stream uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realClock struct{}

func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

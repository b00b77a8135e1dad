package streamclient

import (
	"math/rand/v2"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Reconnect delays.
const (
	defaultMinBackoff = 250 * time.Millisecond
	defaultMaxBackoff = 30 * time.Second
	// stableConnection is how long a connection must have lived for the next reconnect to start again
	// from the shortest delay.
	stableConnection = 30 * time.Second
)

// fullJitter is the reconnect policy: an exponential ceiling that starts at twice the minimum and doubles
// up to the maximum (computed by backoff.ExponentialBackOff without randomization), and a delay drawn
// uniformly between the minimum and that ceiling. This is "full jitter" floored at the minimum, so that
// thousands of trays dropped by a hub restart spread their reconnects out, while none ever spins.
type fullJitter struct {
	min, max time.Duration
	ceiling  *backoff.ExponentialBackOff
	// randN returns a uniform random number in [0, n); replaced in tests.
	randN func(n int64) int64
}

var _ backoff.BackOff = (*fullJitter)(nil)

// newFullJitter returns the policy for delays within [minDelay, maxDelay]; zero values take the defaults
// (250ms and 30s), and a maximum below the minimum is raised to it.
func newFullJitter(minDelay, maxDelay time.Duration) *fullJitter {
	if minDelay <= 0 {
		minDelay = defaultMinBackoff
	}
	if maxDelay <= 0 {
		maxDelay = defaultMaxBackoff
	}
	maxDelay = max(maxDelay, minDelay)
	b := &fullJitter{
		min: minDelay,
		max: maxDelay,
		ceiling: &backoff.ExponentialBackOff{
			InitialInterval:     min(2*minDelay, maxDelay),
			RandomizationFactor: 0,
			Multiplier:          2,
			MaxInterval:         maxDelay,
		},
		randN: rand.Int64N,
	}
	b.Reset()
	return b
}

// NextBackOff returns the delay before the next reconnect; it never returns backoff.Stop.
func (b *fullJitter) NextBackOff() time.Duration {
	ceiling := min(b.ceiling.NextBackOff(), b.max)
	span := int64(ceiling - b.min)
	if span <= 0 {
		return b.min
	}
	return b.min + time.Duration(b.randN(span+1))
}

// Reset starts again from the shortest delays.
func (b *fullJitter) Reset() { b.ceiling.Reset() }

// connectionEnded resets the policy when the connection that just ended had lived long enough to be
// called stable: a hub that drops a connection now and then is not a hub that is down.
func (b *fullJitter) connectionEnded(lived time.Duration) {
	if lived > stableConnection {
		b.Reset()
	}
}

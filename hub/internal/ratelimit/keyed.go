// Package ratelimit throttles by key (a client address, a code): a token bucket per key from
// golang.org/x/time/rate, with idle keys forgotten so memory stays bounded.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a set of token buckets, one per key.
type Keyed struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewKeyed allows burst events per key, refilled one every interval.
func NewKeyed(every time.Duration, burst int) *Keyed {
	return &Keyed{every: every, burst: burst, buckets: map[string]*bucket{}, now: time.Now}
}

// Blocked reports whether key has no event left, and how long until it has one again.
func (k *Keyed) Blocked(key string) (time.Duration, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.get(key)
	now := k.now()
	if b.lim.TokensAt(now) >= 1 {
		return 0, false
	}
	r := b.lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return wait, true
}

// Use spends one event of key (e.g. a failed attempt).
func (k *Keyed) Use(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.get(key).lim.AllowN(k.now(), 1)
}

func (k *Keyed) get(key string) *bucket {
	b, ok := k.buckets[key]
	if !ok {
		if len(k.buckets) >= 50000 {
			k.prune()
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(k.every), k.burst)}
		k.buckets[key] = b
	}
	b.seen = k.now()
	return b
}

// prune forgets keys whose bucket has refilled.
func (k *Keyed) prune() {
	full := k.now().Add(-k.every * time.Duration(k.burst))
	for key, b := range k.buckets {
		if b.seen.Before(full) {
			delete(k.buckets, key)
		}
	}
}

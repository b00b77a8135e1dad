// Package ratelimit throttles by key (a client address, a code): a token bucket per key from
// golang.org/x/time/rate, held in a fixed-size LRU so memory stays bounded and every call is O(1)
// whatever the number of keys an attacker makes up.
package ratelimit

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// DefaultKeys is how many keys a Keyed remembers unless told otherwise. When full, the key used least
// recently is forgotten (its bucket starts full again if it comes back).
const DefaultKeys = 100_000

// Keyed is a set of token buckets, one per key.
type Keyed struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets *lru.Cache[string, *rate.Limiter]
	now     func() time.Time
}

// NewKeyed allows burst events per key, refilled one every interval, remembering DefaultKeys keys.
func NewKeyed(every time.Duration, burst int) *Keyed { return NewKeyedSize(every, burst, DefaultKeys) }

// NewKeyedSize is NewKeyed remembering at most size keys.
func NewKeyedSize(every time.Duration, burst, size int) *Keyed {
	c, err := lru.New[string, *rate.Limiter](max(size, 1))
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Keyed{every: every, burst: burst, buckets: c, now: time.Now}
}

// WithClock makes k read time from now (tests).
func (k *Keyed) WithClock(now func() time.Time) *Keyed {
	k.now = now
	return k
}

// Blocked reports whether key has no event left, and how long until it has one again.
func (k *Keyed) Blocked(key string) (time.Duration, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	lim, ok := k.buckets.Get(key)
	if !ok {
		return 0, false // a key never seen (or forgotten) has a full bucket
	}
	now := k.now()
	if lim.TokensAt(now) >= 1 {
		return 0, false
	}
	r := lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return wait, true
}

// Use spends one event of key (e.g. a failed attempt).
func (k *Keyed) Use(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	lim, ok := k.buckets.Get(key)
	if !ok {
		lim = rate.NewLimiter(rate.Every(k.every), k.burst)
		k.buckets.Add(key, lim)
	}
	lim.AllowN(k.now(), 1)
}

// Len is how many keys are remembered.
func (k *Keyed) Len() int { return k.buckets.Len() }

package emulator

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Window is a fixed one-minute request budget, like the vendors' per-account limits.
type Window struct {
	mu        sync.Mutex
	perMinute int
	start     time.Time
	used      int
}

// SetLimit changes the budget (0: unlimited) and starts a new window.
func (w *Window) SetLimit(perMinute int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.perMinute, w.start, w.used = perMinute, time.Now(), 0
}

// Take spends one request. It reports the limit, what remains and when the window resets; ok is false
// when the budget is spent (answer 429).
func (w *Window) Take() (limit, remaining int, reset time.Time, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.start.IsZero() || now.Sub(w.start) >= time.Minute {
		w.start, w.used = now, 0
	}
	reset = w.start.Add(time.Minute)
	if w.perMinute <= 0 {
		return 0, 0, reset, true
	}
	if w.used >= w.perMinute {
		return w.perMinute, 0, reset, false
	}
	w.used++
	return w.perMinute, w.perMinute - w.used, reset, true
}

// Outage answers 503 to everything while down, and 429 with a Retry-After while throttled.
type Outage struct {
	down     atomic.Bool
	throttle atomic.Int64 // Retry-After in seconds; 0: not throttled
}

// Set turns the outage on or off.
func (o *Outage) Set(down bool) { o.down.Store(down) }

// Throttle answers every request 429 with Retry-After retryAfter (whole seconds, at least 1) until
// called with 0.
func (o *Outage) Throttle(retryAfter time.Duration) {
	s := int64(0)
	if retryAfter > 0 {
		s = max(1, int64(retryAfter/time.Second))
	}
	o.throttle.Store(s)
}

// Wrap answers 503 while down, 429 while throttled, else passes to next.
func (o *Outage) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := o.throttle.Load(); s > 0 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", strconv.FormatInt(s, 10))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":"Too Many Requests"}`))
			return
		}
		if o.down.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"Service Unavailable"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

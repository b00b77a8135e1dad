package emulator

import (
	"net/http"
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

// Outage answers 503 to everything while down.
type Outage struct{ down atomic.Bool }

// Set turns the outage on or off.
func (o *Outage) Set(down bool) { o.down.Store(down) }

// Wrap answers 503 while down, else passes to next.
func (o *Outage) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.down.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"Service Unavailable"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

package vendorsync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// inFlight is how long after a 429's answer a request may still arrive that was sent before the hub
// read that answer (loopback: far less).
const inFlight = 50 * time.Millisecond

// retryAfterViolations lists the requests that reached the vendor after a 429 with Retry-After wait
// was answered and before that wait was over.
func retryAfterViolations(calls []emulator.Call, wait time.Duration) []string {
	var out []string
	for _, c := range calls {
		if c.Status != http.StatusTooManyRequests {
			continue
		}
		for _, d := range calls {
			if gap := d.Start.Sub(c.Time); gap > inFlight && gap < wait {
				out = append(out, fmt.Sprintf("%s %s %.2fs after a 429", d.Method, d.Path, gap.Seconds()))
			}
		}
	}
	return out
}

// TestRetryAfterHoldsEveryRequestToTheConnection: the vendor answers every request 429 with
// Retry-After: 2 while several agents' writes are owed to it and several workers deliver them. No
// request may reach it before the time it gave, and once it accepts requests again every write arrives.
func TestRetryAfterHoldsEveryRequestToTheConnection(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 6)
	e.applyTemplate(t, "both")
	// Paced like a real account (200 a minute: a request every 300 ms), so the workers queue at the pace.
	e.must(t, "PATCH", "/connections/"+e.zd.conn+"?update_mask=settings", map[string]any{
		"settings": map[string]string{"rate_limit_per_minute": "200"}})
	throttle := e.zd.em.(interface{ SetThrottle(time.Duration) })
	throttle.SetThrottle(2 * time.Second)
	before := len(e.zd.em.Calls())
	for i := range e.agents {
		e.setPresence(t, i, "lunch")
	}
	throttled := func() int {
		n := 0
		for _, c := range e.zd.em.Calls()[before:] {
			if c.Status == http.StatusTooManyRequests {
				n++
			}
		}
		return n
	}
	testwait.Seen(t, 30*time.Second, "the vendor answered 429 four times", func() (bool, string) {
		n := throttled()
		return n >= 4, fmt.Sprintf("%d 429s", n)
	})
	throttle.SetThrottle(0)
	testwait.Seen(t, 30*time.Second, "every write delivered once the vendor accepts them", func() (bool, string) {
		var wrong []string
		for i := range e.agents {
			if s := e.vendorState(e.zd, i); s != "away" {
				wrong = append(wrong, fmt.Sprintf("agent %d %q", i, s))
			}
		}
		return len(wrong) == 0, strings.Join(wrong, ", ")
	})
	calls := e.zd.em.Calls()[before:]
	if v := retryAfterViolations(calls, 2*time.Second); len(v) > 0 {
		t.Fatalf("%d of %d requests came before the vendor's Retry-After was over:\n%s", len(v), len(calls), strings.Join(v, "\n"))
	}
	t.Logf("%d requests, %d answered 429, none before its Retry-After", len(calls), throttled())
}

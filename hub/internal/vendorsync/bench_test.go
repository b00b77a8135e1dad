package vendorsync_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// BenchmarkTrayToBothVendors measures a tray's status change until both emulators have accepted the
// write (the time of the accepted PUT), over 1,000 changes spread over 50 agents, one at a time.
// Run: go test -run '^$' -bench TrayToBothVendors -benchtime 1x ./hub/internal/vendorsync/
func BenchmarkTrayToBothVendors(b *testing.B) {
	h := hubtest.Start(b, fastRetries)
	e := newEnv(b, h, 50)
	e.applyTemplate(b, "both")
	e.zd.em.SetRateLimit(0) // instant, unlimited emulators: the figure is the hub's own
	e.ac.em.SetRateLimit(0)
	var lat []time.Duration
	for range b.N {
		lat = lat[:0]
		trays := make([]*hubtest.StreamConn, len(e.agents))
		for i := range trays {
			trays[i] = h.Dial(b, e.devices[i])
			trays[i].Next(5 * time.Second)
		}
		statuses := []struct{ status, zd, ac string }{{"available", "online", "available"}, {"lunch", "away", "unavailable"}}
		for n := 0; n < 1000; n++ {
			i, s := n%len(e.agents), statuses[(n/len(e.agents))%2]
			zdBefore, acBefore := len(e.zd.em.Calls()), len(e.ac.em.Calls())
			start := time.Now()
			trays[i].SetStatus(fmt.Sprint(n), s.status)
			zdAt := waitPut(b, e.zd.em, zdBefore, e.users[e.zd][i])
			acAt := waitPut(b, e.ac.em, acBefore, e.users[e.ac][i])
			lat = append(lat, max(zdAt.Sub(start), acAt.Sub(start)))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
}

// waitPut waits for an accepted PUT about user among the calls after skip, and returns its time (as
// the emulator recorded it, so how often this looks does not change the figure).
func waitPut(b *testing.B, em emulator.Emulator, skip int, user string) time.Time {
	var at time.Time
	testwait.Within(b, 10*time.Second, em.Vendor()+" to receive the write for "+user, func() bool {
		calls := em.Calls()
		for _, c := range calls[min(skip, len(calls)):] {
			if c.Method == http.MethodPut && c.Status < 300 && containsUser(c.Path, user) {
				at = c.Time
				return true
			}
		}
		return false
	})
	return at
}

// BenchmarkOutboxAgainstVendorLimit queues one write per agent for an Aircall account limited to
// limit/min and reports the delivery rate and the 429s received. "paced": the connection is told the
// limit (rate_limit_per_minute). "unaware": the hub is configured 10x too high and must rely on the
// vendor's 429 + Retry-After and rate-limit headers instead.
// Run: go test -run '^$' -bench OutboxAgainstVendorLimit -benchtime 1x -timeout 10m ./hub/internal/vendorsync/
func BenchmarkOutboxAgainstVendorLimit(b *testing.B) {
	for _, mode := range []struct {
		name       string
		vendor     int
		configured int
		writes     int
	}{{"paced", 1200, 1200, 400}, {"unaware", 600, 6000, 800}} {
		b.Run(mode.name, func(b *testing.B) {
			for range b.N {
				h := hubtest.Start(b, fastRetries)
				e := newEnv(b, h, mode.writes)
				e.ac.em.SetRateLimit(mode.vendor)
				e.must(b, "PATCH", "/connections/"+e.ac.conn+"?update_mask=settings", map[string]any{
					"settings": map[string]string{"rate_limit_per_minute": fmt.Sprint(mode.configured)}})
				e.must(b, "POST", "/rules", map[string]any{"name": "to-aircall", "connection_id": e.ac.conn,
					"outbound": []map[string]string{{"status": "lunch", "vendor_state": "unavailable"}}})
				before := len(e.ac.em.Calls())
				start := time.Now()
				for i := range e.agents {
					e.setPresence(b, i, "lunch")
				}
				var last time.Time
				delivered, limited := 0, 0
				testwait.Seen(b, 5*time.Minute, "every write delivered", func() (bool, string) {
					delivered, limited = 0, 0
					for _, c := range e.ac.em.Calls()[before:] {
						if c.Method == http.MethodPut && c.Status < 300 {
							delivered++
							last = c.Time
						}
						if c.Status == http.StatusTooManyRequests {
							limited++
						}
					}
					return delivered >= mode.writes, fmt.Sprintf("%d of %d writes delivered", delivered, mode.writes)
				})
				elapsed := last.Sub(start)
				b.ReportMetric(float64(delivered)/elapsed.Minutes(), "writes/min")
				b.ReportMetric(float64(mode.vendor), "vendor_limit/min")
				b.ReportMetric(float64(limited), "429s")
			}
		})
	}
}

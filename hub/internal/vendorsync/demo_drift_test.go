package vendorsync_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator/emulators"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// demoHub is `presence-hub demo` in a test: the demo tenant seeded and wired to every emulator (rule
// templates both ways), vendors aligned once, as the demo command does.
type demoHub struct {
	h    *hubtest.Hub
	info demo.Info
	ems  map[string]demo.Emulated
}

func startDemo(t *testing.T, opts ...hubtest.Option) *demoHub {
	t.Helper()
	opts = append([]hubtest.Option{func(c *config.Config) {
		c.Sync.MinBackoff, c.Sync.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
		c.Sync.DriftInterval = 0 // the test runs the passes itself
		c.Sync.PollInterval = 50 * time.Millisecond
	}}, opts...)
	h := hubtest.Start(t, opts...)
	ctx := context.Background()
	d := &demoHub{h: h, ems: map[string]demo.Emulated{}}
	if err := demo.Seed(ctx, h.App.Store, &d.info); err != nil {
		t.Fatal(err)
	}
	var ems []demo.Emulated
	for _, v := range emulators.Vendors() {
		em, err := emulators.New(v, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		em.SetRateLimit(0) // thirty passes in a moment would spend a real account's minute
		run, err := emulators.Start(em, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(run.Stop)
		if c, ok := em.(interface{ Close() }); ok {
			t.Cleanup(c.Close)
		}
		e := demo.Emulated{Emulator: em, URL: run.URL}
		ems = append(ems, e)
		d.ems[v] = e
	}
	if err := demo.Wire(ctx, h.App.Store, h.App.Sealer, h.URL, &d.info, ems); err != nil {
		t.Fatal(err)
	}
	for _, e := range d.info.Emulators { // the test's passes need not wait for the vendors' real pace
		c, err := h.App.Store.GetConnection(ctx, d.info.TenantID, e.ConnectionID)
		if err != nil {
			t.Fatal(err)
		}
		c.Settings["rate_limit_per_minute"] = "60000"
		if err := h.App.Store.UpdateConnection(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.App.Sync.Invalidate(d.info.TenantID)
	h.App.Sync.Align(ctx)
	d.settle(t)
	return d
}

func (d *demoHub) must(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	return d.h.Must(t, http.StatusOK, d.h.AdminKey, method, "/v1/tenants/"+d.info.TenantID+path, body)
}

// settle waits until no write is pending on any connection (and none in flight).
func (d *demoHub) settle(t testing.TB) {
	t.Helper()
	testwait.Seen(t, testwait.Default, "every vendor write delivered", func() (bool, string) {
		var pending []string
		for _, e := range d.info.Emulators {
			hl := d.must(t, "GET", "/connections/"+e.ConnectionID, nil)["connection"].(map[string]any)["health"].(map[string]any)
			if hl["pending_writes"] != "0" {
				pending = append(pending, fmt.Sprintf("%s=%v", e.Vendor, hl["pending_writes"]))
			}
		}
		return len(pending) == 0, strings.Join(pending, " ")
	})
}

func (d *demoHub) status(t testing.TB, agent string) string {
	t.Helper()
	return d.must(t, "GET", "/agents/"+agent+"/presence", nil)["presence"].(map[string]any)["status"].(string)
}

// timeline lists an agent's timeline entries as "status<-source_id (outcome): reason", oldest first.
func (d *demoHub) timeline(t testing.TB, agent string) []string {
	t.Helper()
	raw := d.must(t, "GET", "/agents/"+agent+"/timeline?page_size=500", nil)["entries"].([]any)
	out := make([]string, len(raw))
	for i, r := range raw {
		en := r.(map[string]any)
		out[len(raw)-1-i] = fmt.Sprintf("%v<-%v (%v): %v", en["status"], en["source_id"], en["outcome"], en["reason"])
	}
	return out
}

// TestDemoLeftAloneChangesNoStatus is issue 17's first symptom: the demo, with agents on statuses some
// vendors' rules do not write (break is written to Aircall as "unavailable", which reads back as
// offline; Salesforce has no outbound row for break) and drift repair every minute for 30 minutes,
// must change no agent's status and add no timeline entry nobody caused.
func TestDemoLeftAloneChangesNoStatus(t *testing.T) {
	d := startDemo(t)
	want := map[string]string{}
	for i, status := range []string{"break", "lunch", "busy"} {
		agent := d.info.AgentIDs[i]
		d.must(t, "PUT", "/agents/"+agent+"/presence", map[string]any{"status": status})
		want[agent] = status
	}
	d.settle(t)
	before := map[string][]string{}
	for agent := range want {
		before[agent] = d.timeline(t, agent)
	}
	for range 30 { // drift repair every minute for 30 minutes
		d.h.App.Sync.RepairDrift(context.Background())
		d.settle(t)
	}
	for agent, status := range want {
		if got := d.status(t, agent); got != status {
			t.Errorf("agent %s moved from %s to %s with nobody touching anything", agent, status, got)
		}
		after := d.timeline(t, agent)
		if len(after) != len(before[agent]) {
			t.Errorf("agent %s: timeline entries nobody caused:\n  %s", agent, strings.Join(after[len(before[agent]):], "\n  "))
		}
	}
}

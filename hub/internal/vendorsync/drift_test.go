package vendorsync_test

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
)

func TestDriftRepairFollowsTheRuleDirection(t *testing.T) {
	t.Run("TwoWayHubWins", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1, withoutWebhooks)
		e.applyTemplate(t, "both")
		e.setPresence(t, 0, "available")
		// Aircall users start available, so wait for the writes themselves, not just the states.
		eventually(t, 5*time.Second, "written", func() bool {
			return e.vendorState(e.zd, 0) == "online" && noPending(t, e, e.zd) && noPending(t, e, e.ac)
		})
		// Changed inside the vendors, and nobody told the hub.
		_ = e.zd.em.Change(e.users[e.zd][0], "away")
		_ = e.ac.em.Change(e.users[e.ac][0], "unavailable")
		h.App.Sync.RepairDrift(context.Background())
		eventually(t, 5*time.Second, "vendors rewritten to the hub's status", func() bool {
			return e.vendorState(e.zd, 0) == "online" && e.vendorState(e.ac, 0) == "available"
		})
		if got := e.status(t, 0); got != "available" {
			t.Errorf("hub status %q; want available kept", got)
		}
	})
	t.Run("OneWayVendorWins", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1, withoutWebhooks)
		e.applyTemplate(t, "aircall_to_zendesk")
		e.setPresence(t, 0, "available")
		eventually(t, 5*time.Second, "zendesk written", func() bool { return e.vendorState(e.zd, 0) == "online" })
		if got := e.vendorState(e.ac, 0); got != "available" {
			t.Fatalf("aircall %q; the one-way rule only reads Aircall", got)
		}
		_ = e.ac.em.Change(e.users[e.ac][0], "unavailable")
		h.App.Sync.RepairDrift(context.Background())
		eventually(t, 5*time.Second, "missed Aircall change applied and passed on", func() bool {
			return e.status(t, 0) == "offline" && e.vendorState(e.zd, 0) == "offline"
		})
		// In sync now: another pass changes nothing.
		before := len(e.applied(t, 0))
		h.App.Sync.RepairDrift(context.Background())
		if after := len(e.applied(t, 0)); after != before {
			t.Errorf("a pass over agreeing systems applied %d changes", after-before)
		}
	})
}

// noPending reports whether a connection has no write waiting.
func noPending(t testing.TB, e *env, va *vendorAccount) bool {
	hl := e.must(t, "GET", "/connections/"+va.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
	return hl["pending_writes"] == "0"
}

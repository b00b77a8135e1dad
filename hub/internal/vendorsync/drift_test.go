package vendorsync_test

import (
	"context"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

func TestDriftRepairRewritesOnlyWhatAVendorLost(t *testing.T) {
	t.Run("LostWriteRewritten", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1, withoutWebhooks)
		e.applyTemplate(t, "both")
		e.setPresence(t, 0, "available")
		testwait.For(t, "available written", func() bool { return delivered(t, e) && e.vendorState(e.zd, 0) == "online" })
		before := time.Now()
		e.setPresence(t, 0, "offline")
		testwait.For(t, "offline written", func() bool {
			return delivered(t, e) && e.vendorState(e.zd, 0) == "offline" && e.vendorState(e.ac, 0) == "unavailable"
		})
		// Zendesk loses the hub's last write: it is back on online as it was before that write (its
		// updated_at, older than the write's answer, is the proof).
		if err := e.zd.em.(*zendeskemu.Emulator).Restore(e.users[e.zd][0], "online", before.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		// Aircall shows available, a state the hub wrote there before; it says no time of change, so a
		// person's later pick (its notification lost) cannot be ruled out: it stands.
		_ = e.ac.em.Change(e.users[e.ac][0], "available")
		puts := len(successfulPuts(e.ac, e.users[e.ac][0]))
		h.App.Sync.RepairDrift(context.Background()) // returns once the round has judged every vendor
		testwait.For(t, "Zendesk rewritten to the hub's status", func() bool { return delivered(t, e) && e.vendorState(e.zd, 0) == "offline" })
		if got, n := e.vendorState(e.ac, 0), len(successfulPuts(e.ac, e.users[e.ac][0])); got != "available" || n != puts {
			t.Errorf("aircall %q after %d more writes; a state without a time of change must stand", got, n-puts)
		}
		if got := e.status(t, 0); got != "offline" {
			t.Errorf("hub status %q; drift repair must not change it", got)
		}
	})
	t.Run("ChoicesAfterOurWriteStand", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1, withoutWebhooks)
		e.applyTemplate(t, "both")
		e.setPresence(t, 0, "available")
		testwait.For(t, "available written", func() bool {
			return delivered(t, e) && e.vendorState(e.zd, 0) == "online" && len(successfulPuts(e.ac, e.users[e.ac][0])) > 0
		})
		// People change both vendors after the hub's write, and no notification reaches the hub: Zendesk
		// says when (after our write); Aircall's "custom" (Automatic Schedule) is a state the hub never writes.
		_ = e.zd.em.Change(e.users[e.zd][0], "away")
		_ = e.ac.em.Change(e.users[e.ac][0], "custom")
		before := len(e.timeline(t, 0))
		puts := len(successfulPuts(e.ac, e.users[e.ac][0])) + len(successfulPuts(e.zd, e.users[e.zd][0]))
		for range 3 {
			h.App.Sync.RepairDrift(context.Background())
		}
		if got := e.status(t, 0); got != "available" {
			t.Errorf("hub status %q; want available kept", got)
		}
		if zd, ac := e.vendorState(e.zd, 0), e.vendorState(e.ac, 0); zd != "away" || ac != "custom" {
			t.Errorf("vendors rewritten: zendesk %q, aircall %q; the people's choices must stand", zd, ac)
		}
		if n := len(successfulPuts(e.ac, e.users[e.ac][0])) + len(successfulPuts(e.zd, e.users[e.zd][0])); n != puts || !delivered(t, e) {
			t.Errorf("drift repair wrote %d times", n-puts)
		}
		if after := len(e.timeline(t, 0)); after != before {
			t.Errorf("drift repair added %d timeline entries", after-before)
		}
	})
	t.Run("UnmappedStatesStand", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1)
		e.applyTemplate(t, "both")
		e.setPresence(t, 0, "available")
		testwait.For(t, "available written", func() bool { return delivered(t, e) && e.vendorState(e.zd, 0) == "online" })
		// Seed 002: Aircall's Automatic Schedule and Zendesk's custom statuses are not synced.
		_ = e.ac.em.Change(e.users[e.ac][0], "custom")
		_ = e.zd.em.Change(e.users[e.zd][0], "custom:123")
		testwait.For(t, "both reported and not synced", func() bool {
			n := 0
			for _, en := range e.timeline(t, 0) {
				if en["outcome"] == "ignored" {
					n++
				}
			}
			return n == 2
		})
		before := len(e.timeline(t, 0))
		for range 3 {
			h.App.Sync.RepairDrift(context.Background())
		}
		if zd, ac := e.vendorState(e.zd, 0), e.vendorState(e.ac, 0); zd != "custom:123" || ac != "custom" || !delivered(t, e) {
			t.Errorf("zendesk %q, aircall %q; unmapped states chosen in the vendors must stand", zd, ac)
		}
		if got, after := e.status(t, 0), len(e.timeline(t, 0)); got != "available" || after != before {
			t.Errorf("hub status %q, %d new timeline entries; want available and none", got, after-before)
		}
		// Until the hub's status next changes to one the rules write there.
		e.setPresence(t, 0, "offline")
		testwait.For(t, "offline written to both", func() bool {
			return delivered(t, e) && e.vendorState(e.zd, 0) == "offline" && e.vendorState(e.ac, 0) == "unavailable"
		})
	})
	t.Run("OneDirectionStaysAsConfigured", func(t *testing.T) {
		h := hubtest.Start(t, fastRetries)
		e := newEnv(t, h, 1, withoutWebhooks)
		e.applyTemplate(t, "aircall_to_zendesk") // seed 002: Aircall is read, Zendesk written
		e.setPresence(t, 0, "lunch")
		testwait.For(t, "zendesk written", func() bool { return delivered(t, e) && e.vendorState(e.zd, 0) == "away" })
		_ = e.ac.em.Change(e.users[e.ac][0], "unavailable") // unseen: no webhooks
		before := len(e.timeline(t, 0))
		for range 3 {
			h.App.Sync.RepairDrift(context.Background())
		}
		if got := e.status(t, 0); got != "lunch" {
			t.Errorf("hub status %q; drift repair must not take a read-only vendor's state as a change", got)
		}
		if got := e.vendorState(e.zd, 0); got != "away" || !delivered(t, e) {
			t.Errorf("zendesk %q; want away kept", got)
		}
		if after := len(e.timeline(t, 0)); after != before {
			t.Errorf("drift repair added %d timeline entries", after-before)
		}
	})
}

// delivered reports whether neither connection has a write waiting.
func delivered(t testing.TB, e *env) bool { return noPending(t, e, e.zd) && noPending(t, e, e.ac) }

// noPending reports whether a connection has no write waiting.
func noPending(t testing.TB, e *env, va *vendorAccount) bool {
	hl := e.must(t, "GET", "/connections/"+va.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
	return hl["pending_writes"] == "0"
}

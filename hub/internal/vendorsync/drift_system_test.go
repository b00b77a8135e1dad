package vendorsync_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// presencePatches counts the presence writes the Genesys emulator was sent.
func presencePatches(em *genesysemu.Emulator) int { return genesysCalls(em, http.MethodPatch, "") }

// Simulation seed 102158: a Genesys agent in an interaction reads "interacting" with the interaction's
// start, older than the hub's write of a presence during it (which Genesys applied and keeps under the
// routing status). That is the vendor's own state while the interaction lasts, not a lost write:
// drift repair leaves it alone (a rewrite would end a NOT_RESPONDING picked meanwhile).
func TestDriftRepairLeavesAVendorsSystemStateAlone(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1, withoutWebhooks)
	// The emulator's clock stands a minute back: the interaction started well before the hub's write.
	em := genesysemu.New(genesysemu.Options{RatePerMinute: unlimited, Clock: clock.NewFake(time.Now().Add(-time.Minute))})
	gc := e.connect(t, "genesys", em)
	user := e.linkUser(t, gc, 0)
	e.ruleFor(t, gc, "genesys", map[string]string{"available": "available"}, map[string]string{"available": "available", "busy": "busy"})
	if err := em.Change(user, "interacting"); err != nil {
		t.Fatal(err)
	}
	e.setPresence(t, 0, "busy")
	testwait.For(t, "busy written to Genesys", func() bool {
		w := e.newestWrite(t, 0, gc)
		return w != nil && w["vendor_state"] == "busy" && w["state"] == "delivered"
	})
	if st, _ := em.State(user); st != "interacting" {
		t.Fatalf("genesys shows %q; want the interaction over the written presence", st)
	}
	patches := presencePatches(em)
	for range 3 {
		h.App.Sync.RepairDrift(context.Background()) // returns once the round has judged every vendor
	}
	if n := presencePatches(em); n != patches || !noPending(t, e, gc) {
		t.Errorf("drift repair wrote Genesys %d more times during the interaction; want none", n-patches)
	}
	if got := e.status(t, 0); got != "busy" {
		t.Errorf("hub status %q; want busy kept", got)
	}
}

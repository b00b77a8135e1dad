package vendorsync_test

import (
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestHeldVendorChangeIsNotOverwrittenByTheOlderStatus is simulation seed 126: a person's Zendesk
// change arrives right after the hub wrote to that user, and flow control holds it (the agent changed
// too often). The hub writes back to a vendor whose change arrives while its own write is expected
// (reassertion) — but its current status is the older one the person just left: written now, it
// would land after the person's choice, and once the held change goes through (with no write to its
// source) Zendesk would keep the older state. The vendor is held to the person's choice instead (or,
// when Zendesk's stamp shows the change was made after our write, left alone).
func TestHeldVendorChangeIsNotOverwrittenByTheOlderStatus(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	h.Must(t, http.StatusOK, h.AdminKey, "PATCH", "/v1/tenants/"+e.tenant,
		map[string]any{"settings": map[string]any{"max_changes_per_minute": 1}}) // one change, then one a minute
	user := e.users[e.zd][0]

	e.setPresence(t, 0, "lunch")
	testwait.For(t, "lunch written to Zendesk", func() bool { return e.vendorState(e.zd, 0) == "away" && delivered(t, e) })
	if err := e.zd.em.(*zendeskemu.Emulator).Change(user, "online"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the person's change held by flow control", func() bool { return held(t, e) && delivered(t, e) })
	// Processed and at rest (delivered: no write pending): any write back queued with the change has
	// landed, and must not have been the older status.
	if got := e.status(t, 0); got != "lunch" {
		t.Fatalf("status %q; want lunch until flow control lets the person's change through", got)
	}
	if got := e.vendorState(e.zd, 0); got != "online" {
		t.Fatalf("zendesk %q after the write back; want the person's online kept (the hub is heading there)", got)
	}
}

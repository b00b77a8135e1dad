package vendorsync_test

import (
	"testing"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// An outage of Talkdesk or ServiceNow (token endpoints included) delays writes, never drops them:
// only the latest status per agent is written once they are back.
func TestTalkdeskAndServiceNowOutagesDelayWrites(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	sn := e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{OAuth: true}))
	tdUser, snUser := e.linkUser(t, td, 0), e.linkUser(t, sn, 0)
	e.ruleFor(t, td, "talkdesk out", nil, map[string]string{"available": "available", "lunch": tdLunch, "busy": tdMeeting})
	e.ruleFor(t, sn, "servicenow out", nil, invert(snRule))
	td.em.SetDown(true)
	sn.em.SetDown(true)
	for _, s := range []string{"busy", "available", "lunch"} {
		e.setPresence(t, 0, s)
	}
	testwait.For(t, "failures recorded while down", func() bool {
		for _, va := range []*vendorAccount{td, sn} {
			hl := e.must(t, "GET", "/connections/"+va.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
			if hl["error_count"] == "0" || hl["pending_writes"] != "1" {
				return false
			}
		}
		return true
	})
	td.em.SetDown(false)
	sn.em.SetDown(false)
	testwait.For(t, "both caught up", func() bool {
		return e.vendorState(td, 0) == tdLunch && e.vendorState(sn, 0) == "away"
	})
	for _, va := range []struct {
		acc  *vendorAccount
		user string
	}{{td, tdUser}, {sn, snUser}} {
		if got := successfulPuts(va.acc, va.user); len(got) != 1 {
			t.Errorf("%s accepted %d writes: %v; want 1 (the latest)", va.acc.em.Vendor(), len(got), got)
		}
	}
}

package vendorsync_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// TestOwedWriteLeavesAPersonsNewerPickAlone is simulation seeds 28497 and 41172: flow control holds
// a person's Zendesk change; a tray request equal to the hub's status replaces it, so the flush owes
// Zendesk the status (it shows the held state). Meanwhile the person picks yet another state in
// Zendesk, and the hub has not heard of it yet (its webhook is late). The owed write is made only
// while Zendesk still shows the state it reported: here it stands down, and the person's pick stays.
// Without the person's move (the second agent), the owed write is made. A Zendesk outage meanwhile
// delays both, and loses neither.
func TestOwedWriteLeavesAPersonsNewerPickAlone(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 2)
	e.applyTemplate(t, "both")
	h.Must(t, http.StatusOK, h.AdminKey, "PATCH", "/v1/tenants/"+e.tenant,
		map[string]any{"settings": map[string]any{"max_changes_per_minute": 6}}) // one change, then one every 10 s
	zd := e.zd.em.(*zendeskemu.Emulator)
	for i := range 2 {
		e.setPresence(t, i, "lunch")
	}
	testwait.For(t, "lunch written to Zendesk", func() bool {
		return e.vendorState(e.zd, 0) == "away" && e.vendorState(e.zd, 1) == "away" && delivered(t, e)
	})
	for i := range 2 {
		if err := zd.Change(e.users[e.zd][i], "online"); err != nil { // a person in Zendesk, over the rate
			t.Fatal(err)
		}
	}
	testwait.For(t, "both Zendesk changes held", func() bool { return heldFor(t, e, 0) && heldFor(t, e, 1) })
	for i := range 2 {
		e.setPresence(t, i, "lunch") // the tray, back to the status: replaces the held change
	}
	// Agent 0's person moves on in Zendesk; the hub hears nothing of it before the flush.
	if err := zd.Restore(e.users[e.zd][0], "transfers_only", time.Now()); err != nil {
		t.Fatal(err)
	}
	// Zendesk is down when the flush comes: the owed writes cannot read it first, so they wait (no
	// attempt counted: nothing was sent), and are judged once it is back.
	zd.SetDown(true)
	explained(t, 40*time.Second, "the owed writes waiting for Zendesk to be read", func() bool {
		n := 0
		for _, w := range asList(e.must(t, "GET", "/connections/"+e.zd.conn+"/writes?state=pending", nil)["writes"]) {
			if strings.HasPrefix(w["last_error"].(string), "reading the vendor before a conditional write") && (w["attempts"] == nil || w["attempts"] == float64(0)) {
				n++
			}
		}
		return n == 2
	}, e.explainAgent(t, 1, map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac}))
	zd.SetDown(false)
	var stood, written map[string]any
	explained(t, 40*time.Second, "the owed writes made or stood down", func() bool {
		stood, written = nil, nil
		for _, w := range asList(e.must(t, "GET", "/connections/"+e.zd.conn+"/writes", nil)["writes"]) {
			if w["agent_id"] == e.agents[0] && strings.HasPrefix(w["last_error"].(string), "not written") {
				stood = w
			}
			if w["agent_id"] == e.agents[1] && w["state"] == "delivered" && w["vendor_state"] == "away" && w["attempts"] == float64(1) &&
				!heldFor(t, e, 1) && e.vendorState(e.zd, 1) == "away" {
				written = w
			}
		}
		return stood != nil && written != nil
	}, e.explainAgent(t, 0, map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac}))
	if stood["state"] != "superseded" || stood["attempts"] != float64(0) || !strings.Contains(stood["last_error"].(string), `"transfers_only"`) {
		t.Errorf("agent 0's owed write %v; want superseded, never sent, naming what Zendesk shows", stood)
	}
	if got := e.vendorState(e.zd, 0); got != "transfers_only" {
		t.Errorf("zendesk shows %q for agent 0; want the person's newer transfers_only left alone", got)
	}
}

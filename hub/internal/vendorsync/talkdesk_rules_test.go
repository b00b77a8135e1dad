package vendorsync_test

import (
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// Seed 000, rule 1: a Talkdesk agent's status can only be changed to Available or a custom Busy
// status. Admins see which states can be set, and a rule writing any other Talkdesk state is refused
// when saved, even while Talkdesk cannot be asked (its fixed states are known without asking). A
// write the adapter cannot make is refused before it reaches Talkdesk (the adapter's own test).
func TestTalkdeskOnlyAvailableOrCustomBusyIsWritten(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited}))
	user := e.linkUser(t, td, 0)
	settable := map[string]bool{}
	for _, s := range asList(e.must(t, "GET", "/connections/"+td.conn+"/vendor-states", nil)["states"]) {
		settable[s["id"].(string)] = s["settable"] == true
	}
	for id, want := range map[string]bool{"available": true, tdLunch: true, tdMeeting: true, "away": false, "offline": false, "on_call": false} {
		if got, listed := settable[id]; !listed || got != want {
			t.Errorf("vendor state %s: listed %v, settable %v; want listed, settable %v", id, listed, got, want)
		}
	}
	rule := map[string]any{"name": "talkdesk one-way", "connection_id": td.conn, "outbound": []map[string]string{
		{"status": "available", "vendor_state": "available"}, {"status": "lunch", "vendor_state": tdLunch}, {"status": "offline", "vendor_state": "offline"}}}
	for _, down := range []bool{false, true} {
		td.em.SetDown(down)
		resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", rule)
		if resp.Status != 400 || !strings.Contains(string(resp.Body), `outbound[2].vendor_state`) || !strings.Contains(string(resp.Body), `\"offline\"`) {
			t.Fatalf("rule writing Talkdesk offline (talkdesk down: %v): %d %s; want 400 naming outbound[2].vendor_state", down, resp.Status, resp.Body)
		}
	}
	td.em.SetDown(false)
	rule["outbound"] = rule["outbound"].([]map[string]string)[:2]
	e.must(t, "POST", "/rules", rule)
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "talkdesk set to the Lunch custom Busy status", func() bool { return e.vendorState(td, 0) == tdLunch })
	e.setPresence(t, 0, "available")
	testwait.For(t, "talkdesk available", func() bool { return e.vendorState(td, 0) == "available" })
	for _, body := range putsFor(td, user) {
		if strings.Contains(body, "offline") {
			t.Errorf("a write of offline reached Talkdesk: %s", body)
		}
	}
}

// Seed 000, rule 2 (wait): an agent On a Call in Talkdesk is never changed by the hub. The write
// waits — the timeline shows it pending and why — and lands when the call ends; the call's end does
// not undo the newer choice made meanwhile.
func TestTalkdeskWriteWaitsWhileAgentIsOnACall(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited}))
	user := e.linkUser(t, td, 0)
	e.ruleFor(t, td, "talkdesk two-way",
		map[string]string{"available": "available", tdLunch: "lunch", "on_call": "on-call"},
		map[string]string{"available": "available", "lunch": tdLunch})
	// No write before the call: an unconsumed echo of "available" would hide what this test checks.
	e.polledPast(t, td) // the poll's baseline has the agent, so the call is reported
	if err := td.em.Change(user, "on_call"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the call shows in the hub", func() bool { return e.status(t, 0) == "on-call" })
	before := len(putsFor(td, user))
	// The agent picks Lunch elsewhere (here: an admin) during the call.
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "the Talkdesk write waits, saying why", func() bool {
		w := e.newestWrite(t, 0, td)
		return w != nil && w["vendor_state"] == tdLunch && w["state"] == "pending" &&
			strings.HasPrefix(w["last_error"].(string), "waiting: the agent is On a Call in Talkdesk")
	})
	// The hub tries the write twice more and reads Talkdesk again, holding it each time.
	held := `presencehub_vendor_writes_total{result="waiting",vendor="talkdesk"}`
	n := e.counter(t, held)
	testwait.For(t, "the write tried again and held", func() bool { return e.counter(t, held) >= n+2 })
	e.processed(t, td)
	if got := e.vendorState(td, 0); got != "on_call" {
		t.Fatalf("talkdesk %q during the call; the hub must not change an agent on a call", got)
	}
	if n := len(putsFor(td, user)) - before; n != 0 {
		t.Fatalf("%d status writes reached Talkdesk during the call; want none", n)
	}
	// The call ends (Talkdesk goes back to Available): the waiting write lands, the hub keeps Lunch.
	if err := td.em.Change(user, "available"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the waiting write delivered after the call", func() bool {
		w := e.newestWrite(t, 0, td)
		return e.vendorState(td, 0) == tdLunch && w["state"] == "delivered"
	})
	e.processed(t, td) // the call's end, read back, has been processed
	if got := e.status(t, 0); got != "lunch" {
		t.Errorf("hub %q after the call; want lunch (the choice made during the call)", got)
	}
	if n := len(putsFor(td, user)) - before; n != 1 {
		t.Errorf("%d status writes reached Talkdesk since the call began; want exactly 1", n)
	}
}

// Seed 000, rule 2 (drop): with when_busy=drop, a write to an agent who is Offline in Talkdesk is
// dropped, and the timeline says so; the agent coming back later does not resurrect it.
func TestTalkdeskWriteToOfflineAgentIsDropped(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", dropWhenBusy{talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited})})
	user := e.linkUser(t, td, 0)
	e.ruleFor(t, td, "talkdesk one-way", nil, map[string]string{"available": "available", "lunch": tdLunch})
	if err := td.em.Change(user, "offline"); err != nil {
		t.Fatal(err)
	}
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "the write dropped, saying why", func() bool {
		w := e.newestWrite(t, 0, td)
		return w != nil && w["state"] == "dead" && w["last_error"] == "dropped: the agent is Offline in Talkdesk"
	})
	if err := td.em.Change(user, "available"); err != nil {
		t.Fatal(err)
	}
	e.processed(t, td) // the agent's return has been read
	e.writesSettled(t, 0)
	if got := e.vendorState(td, 0); got != "available" {
		t.Errorf("talkdesk %q; the dropped write must stay dropped", got)
	}
	if n := len(putsFor(td, user)); n != 0 {
		t.Errorf("%d status writes reached Talkdesk; want none", n)
	}
	health := e.must(t, "GET", "/connections/"+td.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
	if health["pending_writes"] != "0" {
		t.Errorf("health %v; want nothing pending", health)
	}
}

// Seed 000, rule 3: unmapped statuses are not synced; mapping one way makes the sync one-way, both
// ways two-way.
func TestTalkdeskMappingDirections(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited}))
	user := e.linkUser(t, td, 0)
	ruleID := e.ruleFor(t, td, "talkdesk to hub", map[string]string{"available": "available", tdLunch: "lunch"}, nil)
	e.setPresence(t, 0, "busy")
	e.polledPast(t, td) // the poll's baseline has the agent, so its change is reported
	// One way: Talkdesk → hub only.
	if err := td.em.Change(user, tdLunch); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "talkdesk lunch reaches the hub", func() bool { return e.status(t, 0) == "lunch" })
	e.setPresence(t, 0, "available") // its vendor writes, if any, are planned with the change
	if got := e.vendorState(td, 0); got != tdLunch || len(e.writesFor(t, 0, td)) != 0 {
		t.Errorf("talkdesk %q, writes %v; a one-way (inbound) rule must not write Talkdesk", got, e.writesFor(t, 0, td))
	}
	// Unmapped: the Meeting custom status is not synced, and the timeline says so.
	if err := td.em.Change(user, tdMeeting); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "unmapped status noted in the timeline", func() bool {
		tl := e.timeline(t, 0)
		last := tl[len(tl)-1]
		return last["outcome"] == "ignored" && strings.Contains(last["reason"].(string), tdMeeting)
	})
	if got := e.status(t, 0); got != "available" {
		t.Errorf("hub %q after an unmapped Talkdesk status; want it unchanged", got)
	}
	// Both ways: the outbound half added, hub changes reach Talkdesk.
	e.must(t, "PATCH", "/rules/"+ruleID+"?update_mask=outbound", map[string]any{
		"outbound": []map[string]string{{"status": "available", "vendor_state": "available"}, {"status": "lunch", "vendor_state": tdLunch}}})
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "two-way: hub lunch written to talkdesk", func() bool { return e.vendorState(td, 0) == tdLunch })
	if err := td.em.Change(user, "available"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "two-way: talkdesk available reaches the hub", func() bool { return e.status(t, 0) == "available" })
}

// Seed 000, rule 4: only agents linked (synced) to the connection are synced.
func TestTalkdeskOnlyLinkedAgentsAreSynced(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 2)
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{RatePerMinute: unlimited}))
	linked := e.linkUser(t, td, 0)
	unlinked := td.em.AddUser("agent1@acme.example", "Agent 1") // same person, not linked in the hub
	e.ruleFor(t, td, "talkdesk two-way", map[string]string{"available": "available", tdLunch: "lunch"},
		map[string]string{"available": "available", "lunch": tdLunch})
	e.setPresence(t, 1, "busy")
	e.polledPast(t, td) // the poll's baseline has both users, so their changes are reported
	for _, u := range []string{linked, unlinked} {
		if err := td.em.Change(u, tdLunch); err != nil {
			t.Fatal(err)
		}
	}
	testwait.For(t, "the linked agent follows Talkdesk", func() bool { return e.status(t, 0) == "lunch" })
	e.processed(t, td) // the unlinked user's change has been read too
	if got := e.status(t, 1); got != "busy" {
		t.Errorf("unlinked agent %q; want busy (a Talkdesk user linked to no agent is not synced)", got)
	}
	e.setPresence(t, 1, "available")
	e.setPresence(t, 0, "available")
	testwait.For(t, "the linked agent written", func() bool { return e.vendorState(td, 0) == "available" })
	if got, _ := td.em.State(unlinked); got != tdLunch || len(putsFor(td, unlinked)) != 0 {
		t.Errorf("unlinked Talkdesk user %q with writes %v; the hub must not touch it", got, putsFor(td, unlinked))
	}
}

package vendorsync_test

import (
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// fastPolls asks polled vendors (Salesforce, CXone) for changes ten times a second.
func fastPolls(c *config.Config) {
	fastRetries(c)
	c.Sync.PollInterval = 100 * time.Millisecond
}

// withSalesforceAndCXone connects a Salesforce org and a CXone business unit next to Zendesk and
// Aircall, links agent 0 in both and maps them to the catalog with plain rules (no template).
func withSalesforceAndCXone(t *testing.T, e *env) (sf, cx *vendorAccount) {
	t.Helper()
	sfEm := salesforceemu.New(salesforceemu.Options{})
	t.Cleanup(sfEm.Close)
	cxEm := cxoneemu.New(cxoneemu.Options{})
	// The agent exists in both before the hub connects them, as in a real org: a user added after the
	// first poll took its baseline would be reported as a change (CXone's new agent is Unavailable),
	// and applied once linked.
	sfUser, cxUser := sfEm.AddUser("agent0@acme.example", "Agent Zero"), cxEm.AddUser("agent0@acme.example", "Agent Zero")
	sf, cx = e.connect(t, "salesforce", sfEm), e.connect(t, "cxone", cxEm)
	e.users[sf], e.users[cx] = []string{sfUser}, []string{cxUser}
	agent := e.must(t, "GET", "/agents/"+e.agents[0], nil)["agent"].(map[string]any)
	idents := agent["identities"].([]any)
	for _, va := range []*vendorAccount{sf, cx} {
		idents = append(idents, map[string]any{"connection_id": va.conn, "external_id": e.users[va][0]})
	}
	e.must(t, "PATCH", "/agents/"+e.agents[0]+"?update_mask=identities", map[string]any{"identities": idents})
	rule := func(name, conn string, in, out [][2]string) {
		var inbound, outbound []map[string]string
		for _, m := range in {
			inbound = append(inbound, map[string]string{"vendor_state": m[0], "status": m[1]})
		}
		for _, m := range out {
			outbound = append(outbound, map[string]string{"status": m[0], "vendor_state": m[1]})
		}
		e.must(t, "POST", "/rules", map[string]any{"name": name, "connection_id": conn, "inbound": inbound, "outbound": outbound})
	}
	rule("salesforce two-way", sf.conn,
		[][2]string{{"Available_for_Chats", "available"}, {"On_Break", "lunch"}, {"Busy", "busy"}, {"Offline", "offline"}},
		[][2]string{{"available", "Available_for_Chats"}, {"lunch", "On_Break"}, {"busy", "Busy"}})
	rule("cxone two-way", cx.conn,
		[][2]string{{"Available", "available"}, {"unavailable:Lunch", "lunch"}, {"Unavailable", "busy"},
			{"InboundContact", "on-call"}, {"AfterCallWork", "acw"}},
		[][2]string{{"available", "Available"}, {"lunch", "unavailable:Lunch"}, {"busy", "Unavailable"}})
	// Polling starts from "now" (its first poll takes a baseline): wait until both are past it.
	testwait.For(t, "salesforce and cxone polled", func() bool {
		return polledSince(sf, "SystemModstamp+%3E%3D") && polledSince(cx, "updatedSince=")
	})
	return sf, cx
}

// polledSince reports whether the emulator has answered an incremental poll (its query names marker).
func polledSince(va *vendorAccount, marker string) bool {
	for _, c := range va.em.Calls() {
		if c.Status == 200 && strings.Contains(c.Query, marker) {
			return true
		}
	}
	return false
}

func TestSalesforceChangeReachesCXoneOtherVendorsAndStream(t *testing.T) {
	h := hubtest.Start(t, fastPolls)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	sf, cx := withSalesforceAndCXone(t, e)
	tray := h.Dial(t, e.devices[0])
	tray.Next(5 * time.Second) // snapshot

	// The agent picks On Break in the Omni-Channel widget: polled, the hub goes Lunch, the tray hears
	// it, and CXone (through the agent's session), Zendesk and Aircall follow.
	if err := sf.em.Change(e.users[sf][0], "On_Break"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "lunch")
	testwait.For(t, "lunch everywhere", func() bool {
		return e.vendorState(cx, 0) == "unavailable:Lunch" && e.vendorState(e.zd, 0) == "away" && e.vendorState(e.ac, 0) == "unavailable"
	})
	// Back to Available for Chats.
	if err := sf.em.Change(e.users[sf][0], "Available_for_Chats"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "available")
	testwait.For(t, "available everywhere", func() bool {
		return e.vendorState(cx, 0) == "Available" && e.vendorState(e.zd, 0) == "online" && e.vendorState(e.ac, 0) == "available"
	})

	// The other way: Unavailable in CXone reaches Salesforce through a published event that the
	// agent's browser (the emulator) applies.
	if err := cx.em.Change(e.users[cx][0], "Unavailable"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "busy")
	testwait.For(t, "salesforce busy", func() bool { return e.vendorState(sf, 0) == "Busy" })

	// The echoes of the hub's writes come back (polled, or as webhooks): once the hub has processed
	// everything each vendor said, none of them may have been applied.
	e.writesSettled(t, 0)
	e.processed(t, e.all(sf, cx)...)
	want := []string{"lunch<-" + sf.conn, "available<-" + sf.conn, "busy<-" + cx.conn}
	if got := e.applied(t, 0); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("applied %v; want %v (echoes of the hub's writes dropped)", got, want)
	}
}

func TestCXoneWriteWaitsOutAfterCallWork(t *testing.T) {
	h := hubtest.Start(t, fastPolls)
	e := newEnv(t, h, 1)
	_, cx := withSalesforceAndCXone(t, e)
	if err := cx.em.Change(e.users[cx][0], "AfterCallWork"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "hub in after call work", func() bool { return e.status(t, 0) == "acw" })
	// The agent sets Lunch on the tray during ACW: CXone answers 409, the write waits.
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "write held with its reason", func() bool {
		for _, en := range e.timeline(t, 0) {
			for _, w := range asList(en["writes"]) {
				if w["connection_id"] == cx.conn && w["state"] == "pending" && strings.Contains(w["last_error"].(string), "After Call Work") {
					return true
				}
			}
		}
		return false
	})
	if got := e.vendorState(cx, 0); got != "AfterCallWork" {
		t.Fatalf("cxone %q during ACW", got)
	}
	// ACW ends in CXone (the emulator's contact wrap-up, not a new agent choice): the write goes through.
	if err := cx.em.(*cxoneemu.Emulator).FinishContact(e.users[cx][0]); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "hub and cxone agree once ACW is over", func() bool {
		s := e.status(t, 0)
		return (s == "lunch" && e.vendorState(cx, 0) == "unavailable:Lunch") || (s == "available" && e.vendorState(cx, 0) == "Available")
	})
}

package vendorsync_test

import (
	"fmt"
	"testing"

	"presencehub.dev/hub/internal/emulator/cxoneemu"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// cxoneModel links every agent of e in a Salesforce org and a CXone business unit and gives both
// connections the team's rule the way seeds 003/004 describe it. For the Salesforce connection, the
// publisher states (ACD/unified → Salesforce) are its outbound mappings, including the system-managed
// ACW and On a call, and the subscriber states (Salesforce → ACD/unified) its inbound mappings,
// including Previous State. CXone's own system states only feed the hub.
func cxoneModel(t *testing.T, e *env) (sf, cx *vendorAccount) {
	t.Helper()
	sfEm := salesforceemu.New(salesforceemu.Options{})
	t.Cleanup(sfEm.Close)
	sf, cx = e.connect(t, "salesforce", sfEm), e.connect(t, "cxone", cxoneemu.New(cxoneemu.Options{}))
	for i, id := range e.agents {
		agent := e.must(t, "GET", "/agents/"+id, nil)["agent"].(map[string]any)
		idents := agent["identities"].([]any)
		for _, va := range []*vendorAccount{sf, cx} {
			uid := va.em.AddUser(fmt.Sprintf("agent%d@acme.example", i), fmt.Sprintf("Agent %d", i))
			e.users[va] = append(e.users[va], uid)
			idents = append(idents, map[string]any{"connection_id": va.conn, "external_id": uid})
		}
		e.must(t, "PATCH", "/agents/"+id+"?update_mask=identities", map[string]any{"identities": idents})
	}
	e.must(t, "POST", "/rules", rule("salesforce team", sf.conn, []string{e.team}, nil,
		[][2]string{{"Available_for_Chats", "available"}, {"On_Break", "lunch"}, {"Busy", "busy"}, {"Available_for_Voice", "previous"}},
		[][2]string{{"available", "Available_for_Chats"}, {"lunch", "On_Break"}, {"busy", "Busy"}, {"acw", "Busy"}, {"on-call", "Busy"}}))
	e.must(t, "POST", "/rules", rule("cxone team", cx.conn, []string{e.team}, nil,
		[][2]string{{"Available", "available"}, {"unavailable:Lunch", "lunch"}, {"Unavailable", "busy"}, {"InboundContact", "on-call"}, {"AfterCallWork", "acw"}},
		[][2]string{{"available", "Available"}, {"lunch", "unavailable:Lunch"}, {"busy", "Unavailable"}}))
	testwait.For(t, "salesforce and cxone polled", func() bool {
		return polledSince(sf, "SystemModstamp+%3E%3D") && polledSince(cx, "updatedSince=")
	})
	return sf, cx
}

func rule(name, conn string, teams, agents []string, in, out [][2]string) map[string]any {
	var inbound, outbound []map[string]string
	for _, m := range in {
		inbound = append(inbound, map[string]string{"vendor_state": m[0], "status": m[1]})
	}
	for _, m := range out {
		outbound = append(outbound, map[string]string{"status": m[0], "vendor_state": m[1]})
	}
	return map[string]any{"name": name, "connection_id": conn, "team_ids": teams, "agent_ids": agents, "inbound": inbound, "outbound": outbound}
}

// Seeds 003/004: Open (Available) ↔ Available for Chats both ways; ACW published to Salesforce and
// never written to CXone; Previous State returning the agent to what it was before the interaction.
func TestCXoneSalesforcePublisherAndSubscriberStates(t *testing.T) {
	h := hubtest.Start(t, fastPolls)
	e := newEnv(t, h, 1)
	sf, cx := cxoneModel(t, e)
	sfUser, cxUser := e.users[sf][0], e.users[cx][0]

	// Subscriber: the agent picks On Break, then Available for Chats, in Salesforce.
	must(t, sf.em.Change(sfUser, "On_Break"))
	testwait.For(t, "cxone on lunch", func() bool { return e.vendorState(cx, 0) == "unavailable:Lunch" })
	must(t, sf.em.Change(sfUser, "Available_for_Chats"))
	testwait.For(t, "cxone open", func() bool { return e.status(t, 0) == "available" && e.vendorState(cx, 0) == "Available" })
	// Publisher: Unavailable in CXone shows as Busy in Salesforce, Available as Available for Chats.
	must(t, cx.em.Change(cxUser, "Unavailable"))
	testwait.For(t, "salesforce busy", func() bool { return e.status(t, 0) == "busy" && e.vendorState(sf, 0) == "Busy" })
	must(t, cx.em.Change(cxUser, "Available"))
	testwait.For(t, "salesforce available for chats", func() bool { return e.vendorState(sf, 0) == "Available_for_Chats" })

	// After Call Work is system-managed: published to Salesforce, never written to CXone.
	must(t, cx.em.Change(cxUser, "AfterCallWork"))
	testwait.For(t, "acw published", func() bool { return e.status(t, 0) == "acw" && e.vendorState(sf, 0) == "Busy" })
	for _, w := range asList(e.must(t, "GET", "/connections/"+cx.conn+"/writes", nil)["writes"]) {
		if w["status"] == "acw" || w["vendor_state"] == "AfterCallWork" {
			t.Fatalf("a write of ACW to CXone: %v", w)
		}
	}
	// Previous State: the agent picks Available for Voice, mapped to Previous State, in Salesforce:
	// the hub returns to the status held before the interaction, and CXone follows once ACW is over.
	must(t, sf.em.Change(sfUser, "Available_for_Voice"))
	testwait.For(t, "previous state restored", func() bool { return e.status(t, 0) == "available" })
	var asked string
	for _, en := range e.timeline(t, 0) {
		if en["status"] == "available" && en["source_id"] == sf.conn {
			asked, _ = en["requested_status"].(string)
		}
	}
	if asked != "previous" {
		t.Errorf("timeline: available from salesforce requested %q; want previous", asked)
	}
	must(t, cx.em.(*cxoneemu.Emulator).FinishContact(cxUser))
	testwait.For(t, "cxone available after ACW", func() bool { return e.vendorState(cx, 0) == "Available" })
}

// An agent's own rule wins over the team's; "skip validation of unavailable codes" writes a status the
// rule does not map as the tenant's default Unavailable; without it, the status is not synced.
func TestCXoneRuleAssignmentAndSkipValidation(t *testing.T) {
	h := hubtest.Start(t, fastPolls)
	e := newEnv(t, h, 3)
	_, cx := cxoneModel(t, e)
	e.must(t, "PATCH", "", map[string]any{"settings": map[string]any{"default_unavailable_status": "busy"}})
	e.must(t, "POST", "/rules", withSkip(rule("cxone agent 1", cx.conn, nil, []string{e.agents[1]}, nil,
		[][2]string{{"available", "Available"}, {"busy", "Unavailable"}})))
	e.must(t, "POST", "/rules", rule("cxone agent 2", cx.conn, nil, []string{e.agents[2]}, nil,
		[][2]string{{"available", "Available"}, {"busy", "Unavailable"}}))
	for i := range 3 {
		e.setPresence(t, i, "available")
	}
	testwait.For(t, "everyone available in cxone", func() bool {
		return e.vendorState(cx, 0) == "Available" && e.vendorState(cx, 1) == "Available" && e.vendorState(cx, 2) == "Available"
	})
	for i := range 3 {
		e.setPresence(t, i, "lunch")
	}
	testwait.For(t, "lunch per rule", func() bool {
		return e.vendorState(cx, 0) == "unavailable:Lunch" && e.vendorState(cx, 1) == "Unavailable"
	})
	// Writes are planned with the change they follow: once agent 2's have settled, none can still come.
	e.writesSettled(t, 2)
	if got := e.vendorState(cx, 2); got != "Available" {
		t.Errorf("agent 2 (own rule, lunch unmapped, no skip) in cxone: %q; want it left Available", got)
	}
}

func withSkip(r map[string]any) map[string]any {
	r["skip_unavailable_validation"] = true
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

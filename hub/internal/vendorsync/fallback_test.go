package vendorsync_test

import (
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/salesforceemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// Issue 17: a state picked in Salesforce that the rule does not map is not synced (timeline
// "ignored")... unless the rule sets fallback_status: then the hub applies the fallback, and the
// timeline says so. Before, the fallback was ignored for unmapped states (it applied only to a mapped
// status missing from the catalog).
func TestUnmappedInboundStateTakesTheRulesFallback(t *testing.T) {
	h := hubtest.Start(t, fastPolls)
	e := newEnv(t, h, 1)
	em := salesforceemu.New(salesforceemu.Options{})
	t.Cleanup(em.Close)
	sf := e.connect(t, "salesforce", em)
	user := e.linkUser(t, sf, 0)
	rule := e.ruleFor(t, sf, "salesforce", map[string]string{"Available_for_Chats": "available"}, map[string]string{"available": "Available_for_Chats"})
	testwait.For(t, "salesforce polled past its baseline", func() bool { return polledSince(sf, "SystemModstamp+%3E%3D") })

	// No fallback: Lunch is the agent's business in Salesforce.
	if err := sf.em.Change(user, "Available_for_Chats"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "available from salesforce", func() bool { return e.status(t, 0) == "available" })
	if err := sf.em.Change(user, "Lunch"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the unmapped state ignored", func() bool { return hasEntry(e.timeline(t, 0), "ignored", `"Lunch"`) })
	if got := e.status(t, 0); got != "available" {
		t.Fatalf("status %q after an unmapped state without a fallback; want it unchanged (available)", got)
	}

	// With a fallback, an unmapped state applies it. A system-managed status cannot be one.
	resp := h.Do(t, h.AdminKey, "PATCH", e.base+"/rules/"+rule+"?update_mask=fallback_status", map[string]any{"fallback_status": "acw"})
	wantField(t, "system fallback", resp, 400, "fallback_status")
	e.must(t, "PATCH", "/rules/"+rule+"?update_mask=fallback_status", map[string]any{"fallback_status": "busy"})
	if err := sf.em.Change(user, "On_Break"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the rule's fallback applied", func() bool { return e.status(t, 0) == "busy" })
	if !hasEntry(e.timeline(t, 0), "applied", "On_Break (not mapped: the rule's fallback)") {
		t.Errorf("timeline %v; want the fallback's entry to say why", e.timeline(t, 0))
	}
}

// hasEntry reports whether a timeline entry has the outcome and a reason containing text.
func hasEntry(entries []map[string]any, outcome, text string) bool {
	for _, en := range entries {
		if en["outcome"] == outcome && strings.Contains(en["reason"].(string), text) {
			return true
		}
	}
	return false
}

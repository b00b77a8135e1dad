package api_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestPresencePlanSaysWhichRuleWinsAndWritesNothing(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	plan := func(status string) map[string]any {
		t.Helper()
		conns := h.Must(t, http.StatusOK, f.viewerKey, "GET", base+"/agents/"+f.agentID+"/presence-plan?status="+status, nil)["connections"].([]any)
		if len(conns) != 1 {
			t.Fatalf("plan for %s: %v", status, conns)
		}
		return conns[0].(map[string]any)
	}
	p := plan("busy")
	if p["write"] != true || p["vendor_state"] != "unavailable" || p["rule_source"] != "team" || p["team_id"] != f.teamID || p["rule_id"] != f.ruleID {
		t.Fatalf("team rule plan: %v", p)
	}
	if p := plan("available"); p["write"] == true || !strings.Contains(p["reason"].(string), "does not map available outbound") {
		t.Fatalf("unmapped status: %v", p)
	}
	// A rule assigned to the agent wins over the team's.
	own := id(h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/rules", map[string]any{"name": "alice-only", "connection_id": f.connectionID,
		"agent_ids": []string{f.agentID}, "outbound": []map[string]string{{"status": "busy", "vendor_state": "available"}}}), "rule")
	if p := plan("busy"); p["rule_id"] != own || p["rule_source"] != "agent" || p["vendor_state"] != "available" {
		t.Fatalf("the agent's own rule did not win: %v", p)
	}
	// Unlinked: nothing is written.
	h.Must(t, http.StatusOK, f.adminKey, "PATCH", base+"/agents/"+f.agentID, map[string]any{"identities": []any{}})
	if p := plan("busy"); p["write"] == true || !strings.Contains(p["reason"].(string), "no linked user") {
		t.Fatalf("unlinked agent: %v", p)
	}
	for _, bad := range []string{"", "nope"} {
		r := h.Do(t, f.viewerKey, "GET", base+"/agents/"+f.agentID+"/presence-plan?status="+bad, nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"status"`) {
			t.Errorf("status %q: %d %s", bad, r.Status, r.Body)
		}
	}
	if w := h.Must(t, http.StatusOK, f.adminKey, "GET", base+"/connections/"+f.connectionID+"/writes", nil)["writes"]; w != nil && len(w.([]any)) != 0 {
		t.Fatalf("the dry run queued writes: %v", w)
	}
}

package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRuleAssignmentAndDryRun(t *testing.T) {
	f := newFixture(t)
	conn := aircallConnection(t, f)
	team, ids := agentsFixture(t, f, 2)
	base := "/v1/tenants/" + f.tenant
	for _, id := range ids {
		f.hub.Must(t, http.StatusOK, f.admin, "PATCH", base+"/agents/"+id, map[string]any{
			"identities": []map[string]any{{"connection_id": conn, "external_id": "u-" + id}}})
	}
	teamRule := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/rules", map[string]any{"name": "team-map", "connection_id": conn,
		"outbound": []map[string]any{{"status": "t-away", "vendor_state": "unavailable"}}})["rule"].(map[string]any)["id"].(string)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)

	// Assign the rule to the team and to agent01 (by email); an unknown email is refused inline.
	form := url.Values{"csrf": {b.csrf}, "name": {"team-map"}, "connection_id": {conn}, "rows": {"1"},
		"row.0.status": {"t-away"}, "row.0.dir": {"outbound"}, "row.0.state": {"unavailable"}, "team": {team}, "add_agent": {"nobody@acme.test"}}
	if p := b.post("/console/rules/"+teamRule, form); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="add-agent-err"`) {
		t.Fatalf("unknown email: %d\n%s", p.status, p.body)
	}
	form.Set("add_agent", "AGENT01@acme.test")
	if p := b.post("/console/rules/"+teamRule, form); p.status != http.StatusSeeOther {
		t.Fatalf("assign: %d\n%s", p.status, p.body)
	}
	rl := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/rules/"+teamRule, nil)["rule"].(map[string]any)
	if tids, aids := rl["team_ids"].([]any), rl["agent_ids"].([]any); len(tids) != 1 || tids[0] != team || len(aids) != 1 || aids[0] != ids[1] {
		t.Fatalf("assignment saved: teams %v agents %v", rl["team_ids"], rl["agent_ids"])
	}
	ed := b.get("/console/rules/" + teamRule)
	if !strings.Contains(ed.body, `id="team-`+team+`" name="team" value="`+team+`" checked`) || !strings.Contains(ed.body, "agent agent01@acme.test") {
		t.Fatalf("editor does not show the assignment:\n%s", ed.body)
	}
	// A default rule made later never applies: the list says so.
	f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/rules", map[string]any{"name": "everyone", "connection_id": conn,
		"outbound": []map[string]any{{"status": "t-away", "vendor_state": "available"}}})
	list := b.get("/console/rules")
	for _, want := range []string{"1 agent (their own rule: wins); team Support", "everyone without a rule of their own or their team"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("rules list lacks %q:\n%s", want, list.body)
		}
	}

	// Dry run on agent00 (team member): the team's rule, written as unavailable; nothing queued.
	p := b.get(agentURL(ids[0]) + "?plan=t-away")
	if !strings.Contains(p.body, `id="plan"`) || !strings.Contains(p.body, "<strong>unavailable</strong>") || !strings.Contains(p.body, "team-map</a> <span class=\"muted\">(team)") {
		t.Fatalf("dry run:\n%s", p.body)
	}
	if w := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/connections/"+conn+"/writes", nil)["writes"]; w != nil && len(w.([]any)) > 0 {
		t.Fatalf("the dry run wrote: %v", w)
	}
	// A viewer may run it too (it changes nothing).
	v := newBrowser(t, f.hub.URL)
	v.signIn(f.viewer)
	if p := v.get(agentURL(ids[1]) + "?plan=t-ready"); !strings.Contains(p.body, "does not map t-ready outbound") {
		t.Fatalf("viewer's dry run:\n%s", p.body)
	}
}

package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// agentsFixture adds a team, statuses and n agents (agent0 in the team) and returns the agent ids.
func agentsFixture(t *testing.T, f *fixture, n int) (team string, ids []string) {
	t.Helper()
	base := "/v1/tenants/" + f.tenant
	for _, st := range []map[string]any{{"name": "t-ready", "display_name": "Ready", "kind": "available"},
		{"name": "t-away", "display_name": "Away", "kind": "away"}} {
		f.hub.Do(t, f.admin, "POST", base+"/statuses", st) // or it exists (aircallConnection)
	}
	team = f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/teams", map[string]any{"name": "Support"})["team"].(map[string]any)["id"].(string)
	for i := range n {
		a := map[string]any{"email": fmt.Sprintf("agent%02d@acme.test", i), "display_name": fmt.Sprintf("Agent %02d", i)}
		if i == 0 {
			a["team_ids"] = []string{team}
		}
		ids = append(ids, f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/agents", a)["agent"].(map[string]any)["id"].(string))
	}
	return team, ids
}

func TestAgentsSearchPagesThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	_, ids := agentsFixture(t, f, 27)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.viewer)
	p := b.get("/console/agents")
	if p.status != http.StatusOK || strings.Count(p.body, `href="/console/agents/ag`) != 25 || !strings.Contains(p.body, `id="next-page"`) {
		t.Fatalf("first page: %d, %d agents linked\n%s", p.status, strings.Count(p.body, `href="/console/agents/ag`), p.body)
	}
	next := strings.Split(strings.Split(p.body, `<a href="`)[len(strings.Split(p.body, `<a href="`))-1], `"`)[0]
	p2 := b.get(strings.ReplaceAll(next, "&amp;", "&"))
	if n := strings.Count(p2.body, `href="/console/agents/ag`); n != 2 || strings.Contains(p2.body, `id="next-page"`) || !strings.Contains(p2.body, `id="first-page"`) {
		t.Fatalf("second page (%s): %d agents\n%s", next, n, p2.body)
	}
	s := b.get("/console/agents?q=AGENT%2007")
	if !strings.Contains(s.body, "/console/agents/"+ids[7]) || strings.Count(s.body, `href="/console/agents/ag`) != 1 {
		t.Fatalf("search for Agent 07:\n%s", s.body)
	}
	if none := b.get("/console/agents?q=nobody"); !strings.Contains(none.body, `id="no-agents"`) {
		t.Fatalf("search for nobody:\n%s", none.body)
	}
}

func TestAgentPageOverridesPinsPairsAndRevokes(t *testing.T) {
	f := newFixture(t)
	conn := aircallConnection(t, f)
	team, ids := agentsFixture(t, f, 1)
	id := ids[0]
	base := "/v1/tenants/" + f.tenant
	f.hub.Must(t, http.StatusOK, f.admin, "PATCH", base+"/agents/"+id, map[string]any{
		"identities": []map[string]any{{"connection_id": conn, "external_id": "456001"}}})
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	page := agentURL(id)

	o := b.post(page+"/presence", url.Values{"csrf": {b.csrf}, "status": {"t-away"}, "reason": {"covering the phones"}})
	if o.status != http.StatusSeeOther {
		t.Fatalf("override: %d %s", o.status, o.body)
	}
	p := b.get(o.location)
	for _, want := range []string{"Status set.", `kind-away">t-away</strong>`, "covering the phones", `id="timeline"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("after the override the page lacks %q", want)
		}
	}
	if bad := b.post(page+"/presence", url.Values{"csrf": {b.csrf}, "status": {"no-such"}, "reason": {"x"}}); bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "refused") {
		t.Errorf("override to an unknown status: %d", bad.status)
	}

	if r := b.post(page+"/identities", url.Values{"csrf": {b.csrf}, "connection": {conn}, "action": {"pin"}}); r.status != http.StatusSeeOther {
		t.Fatalf("pin: %d %s", r.status, r.body)
	}
	idents := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/agents/"+id, nil)["agent"].(map[string]any)["identities"].([]any)
	if len(idents) != 1 || idents[0].(map[string]any)["pinned"] != true {
		t.Fatalf("after pin: %v", idents)
	}
	b.post(page+"/identities", url.Values{"csrf": {b.csrf}, "connection": {conn}, "action": {"unlink"}})
	if a := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/agents/"+id, nil)["agent"].(map[string]any); a["identities"] != nil && len(a["identities"].([]any)) != 0 {
		t.Fatalf("after unlink: %v", a["identities"])
	}

	pc := b.post(page+"/pairing-codes", url.Values{"csrf": {b.csrf}, "ttl_minutes": {"5"}})
	if pc.status != http.StatusOK || !strings.Contains(pc.body, `id="pairing-code"`) {
		t.Fatalf("pairing code: %d\n%s", pc.status, pc.body)
	}
	_, dev := f.hub.Pair(t, f.admin, f.tenant, id, false)
	if rv := b.post(page+"/devices/"+dev+"/revoke", url.Values{"csrf": {b.csrf}}); rv.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", rv.status, rv.body)
	}
	if d := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/agents/"+id+"/devices", nil)["devices"]; d != nil && len(d.([]any)) != 0 {
		t.Fatalf("devices after revoke: %v", d)
	}

	csv := b.post("/console/teams/"+team+"/pairing-codes", url.Values{"csrf": {b.csrf}, "format": {"csv"}})
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if csv.header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 2 || !strings.HasPrefix(lines[1], "agent00@acme.test,Agent 00,") {
		t.Fatalf("team CSV: %s\n%s", csv.header.Get("Content-Type"), csv.body)
	}
	sheet := b.post("/console/teams/"+team+"/pairing-codes", url.Values{"csrf": {b.csrf}, "format": {"sheet"}})
	if !strings.Contains(sheet.body, `id="sheet"`) || !strings.Contains(sheet.body, `class="code"`) {
		t.Fatalf("team sheet:\n%s", sheet.body)
	}
}

func TestViewerCannotChangeAgents(t *testing.T) {
	f := newFixture(t)
	team, ids := agentsFixture(t, f, 1)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.viewer)
	p := b.get(agentURL(ids[0]))
	for _, control := range []string{`id="override-form"`, `id="pair-form"`, "Revoke"} {
		if strings.Contains(p.body, control) {
			t.Errorf("viewer shown %s", control)
		}
	}
	if o := b.post(agentURL(ids[0])+"/presence", url.Values{"csrf": {b.csrf}, "status": {"t-away"}, "reason": {"x"}}); o.status != http.StatusForbidden {
		t.Errorf("viewer override: %d %s", o.status, o.body)
	}
	if pc := b.post("/console/teams/"+team+"/pairing-codes", url.Values{"csrf": {b.csrf}, "format": {"csv"}}); pc.status != http.StatusForbidden {
		t.Errorf("viewer pairing sheet: %d %s", pc.status, pc.body)
	}
	if k := b.post("/console/api-keys", url.Values{"csrf": {b.csrf}, "name": {"x"}, "role": {"admin"}}); k.status != http.StatusForbidden {
		t.Errorf("viewer creating a key: %d", k.status)
	}
}

func TestAPIKeysShowTheSecretOnceAndRevoke(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	p := b.post("/console/api-keys", url.Values{"csrf": {b.csrf}, "name": {"robot"}, "role": {"viewer"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, `id="new-secret"`) {
		t.Fatalf("create: %d\n%s", p.status, p.body)
	}
	secret := strings.Split(strings.Split(p.body, `id="new-secret">`)[1], "<")[0]
	f.hub.Must(t, http.StatusOK, secret, "GET", "/v1/tenants/"+f.tenant+"/agents", nil)
	if again := b.get("/console/api-keys"); strings.Contains(again.body, secret) {
		t.Fatal("the secret is shown again")
	}
	if bad := b.post("/console/api-keys", url.Values{"csrf": {b.csrf}, "name": {""}, "role": {"viewer"}}); bad.status != http.StatusUnprocessableEntity {
		t.Errorf("nameless key: %d", bad.status)
	}
	var id string
	for _, k := range f.hub.Must(t, http.StatusOK, f.admin, "GET", "/v1/tenants/"+f.tenant+"/api-keys", nil)["api_keys"].([]any) {
		if k.(map[string]any)["name"] == "robot" {
			id = k.(map[string]any)["id"].(string)
		}
	}
	if r := b.post("/console/api-keys/"+id+"/revoke", url.Values{"csrf": {b.csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if resp := f.hub.Do(t, secret, "GET", "/v1/tenants/"+f.tenant+"/agents", nil); resp.Status != http.StatusUnauthorized {
		t.Fatalf("revoked key answered %d", resp.Status)
	}
}

func TestBoardKeyIsAViewerKeyDeletedAtSignOut(t *testing.T) {
	f := newFixture(t)
	team, _ := agentsFixture(t, f, 1)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	p := b.get("/console/teams/" + team + "/board")
	tok := strings.Split(strings.Split(p.body, `data-token="`)[1], `"`)[0]
	if tok == "" || tok == f.admin {
		t.Fatalf("board token %q (the session's admin key must stay on the server)", tok)
	}
	if resp := f.hub.Do(t, tok, "POST", "/v1/tenants/"+f.tenant+"/teams", map[string]any{"name": "x"}); resp.Status != http.StatusForbidden {
		t.Fatalf("the board's token could write: %d", resp.Status)
	}
	if again := b.get("/console/teams/" + team + "/board"); !strings.Contains(again.body, `data-token="`+tok+`"`) {
		t.Error("a second board view made another key")
	}
	b.post("/console/sign-out", url.Values{"csrf": {b.csrf}})
	if resp := f.hub.Do(t, tok, "GET", "/v1/tenants/"+f.tenant+"/agents", nil); resp.Status != http.StatusUnauthorized {
		t.Fatalf("the board's key outlived the session: %d", resp.Status)
	}
}

func agentURL(id string) string { return "/console/agents/" + id }

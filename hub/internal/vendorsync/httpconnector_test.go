package vendorsync_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// punchClock connects a seed-001 punch clock (pages of 2) holding the env's agents, under other-cased
// emails, plus one stranger; agent sync links them and a rule punches in on available, out on offline.
func punchClock(t *testing.T, e *env) (*vendorAccount, *punchclockemu.Emulator, []string) {
	t.Helper()
	pc := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1, PageSize: 2})
	var ids []string
	for i := range e.agents {
		ids = append(ids, pc.AddUser(strings.ToUpper(fmt.Sprintf(" agent%d@acme.example ", i)), fmt.Sprintf("Agent %d", i)))
	}
	pc.AddUser("stranger@acme.example", "")
	va := e.connect(t, "punch-clock", pc)
	run := e.must(t, "POST", "/connections/"+va.conn+"/sync-runs", map[string]any{})["sync_run"].(map[string]any)["id"].(string)
	testwait.For(t, "agent sync", func() bool {
		r := e.must(t, "GET", "/connections/"+va.conn+"/sync-runs/"+run, nil)["sync_run"].(map[string]any)
		rep := r["report"].(map[string]any)
		return r["state"] == "succeeded" && rep["linked"] == fmt.Sprint(len(e.agents)) && rep["unmatched_vendor"] == "1" && r["pages"] == "2"
	})
	e.must(t, "POST", "/rules", map[string]any{"name": "punch-clock", "connection_id": va.conn,
		"outbound": []map[string]string{{"status": "available", "vendor_state": "in"}, {"status": "offline", "vendor_state": "out"}}})
	return va, pc, ids
}

func actions(pc *punchclockemu.Emulator, id string) []string {
	punches, _ := pc.Punches(id)
	var out []string
	for _, p := range punches {
		out = append(out, p.Action)
	}
	return out
}

// TestPunchClockOnStatusChange links agents to the punch clock by agent sync (non-formatted users over
// two pages), then changes one agent's status: available punches in and offline out, with the
// external id agent sync linked; other statuses and other agents punch nothing.
func TestPunchClockOnStatusChange(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 3)
	_, pc, ids := punchClock(t, e)
	for _, st := range []string{"lunch", "available", "busy", "offline"} {
		e.setPresence(t, 1, st)
		if st == "available" {
			testwait.For(t, "punch in", func() bool { return slices.Equal(actions(pc, ids[1]), []string{"in"}) })
		}
	}
	testwait.For(t, "punch out", func() bool { return slices.Equal(actions(pc, ids[1]), []string{"in", "out"}) })
	// The emulator records a call once its handler returns, after the punch itself: wait for the record.
	var bodies []string
	testwait.For(t, "punch out recorded", func() bool {
		bodies = nil
		for _, c := range pc.Calls() {
			if c.Method == http.MethodPost {
				bodies = append(bodies, c.Path+" "+c.Body)
			}
		}
		return len(bodies) >= 2
	})
	want := []string{"/users/" + ids[1] + `/punch-clock {"action": "in"}`, "/users/" + ids[1] + `/punch-clock {"action": "out"}`}
	if !slices.Equal(bodies, want) || len(actions(pc, ids[0])) != 0 || len(actions(pc, ids[2])) != 0 {
		t.Fatalf("punch requests %q, want %q", bodies, want)
	}
}

// TestDryRun runs the user list and the punch-clock action against the punch clock through the API:
// the mapped result comes back and the hub changes nothing.
func TestDryRun(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 3)
	pc := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1, PageSize: 2})
	ids := []string{pc.AddUser("a@acme.example", "A"), pc.AddUser("b@acme.example", "B"), pc.AddUser("c@acme.example", "C")}
	va := e.connect(t, "punch-clock", pc)
	res := e.must(t, "POST", "/connections/"+va.conn+":dryRun", map[string]any{"action": "list_users", "variables": map[string]string{"page": "2"}})
	users := res["users"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["external_id"] != ids[2] || users[0].(map[string]any)["email"] != "c@acme.example" ||
		res["count"] != "1" || res["total"] != "3" || res["next"] != "" || res["status"] != float64(200) ||
		!strings.HasSuffix(res["url"].(string), "/users/not-formatted?page=2") {
		t.Fatalf("dry run of list_users: %v", res)
	}
	res = e.must(t, "POST", "/connections/"+va.conn+":dryRun", map[string]any{"action": "punch-clock", "variables": map[string]string{"external_id": ids[0], "status": "in"}})
	if res["status"] != float64(201) || !strings.Contains(res["body"].(string), `"action":"in"`) || !slices.Equal(actions(pc, ids[0]), []string{"in"}) {
		t.Fatalf("dry run of punch-clock: %v", res)
	}
	res = e.must(t, "POST", "/connections/"+va.conn+":dryRun", map[string]any{"action": "punch-clock", "variables": map[string]string{"external_id": "pc-404", "status": "in"}})
	if res["status"] != float64(404) || res["error"] == "" {
		t.Fatalf("dry run refused by the vendor: %v", res)
	}
	// The hub did not change: no run, no link.
	if runs := e.must(t, "GET", "/connections/"+va.conn+"/sync-runs", nil)["sync_runs"].([]any); len(runs) != 0 {
		t.Fatalf("sync runs after dry runs: %v", runs)
	}
	for _, a := range e.must(t, "GET", "/agents", nil)["agents"].([]any) {
		for _, id := range a.(map[string]any)["identities"].([]any) {
			if id.(map[string]any)["connection_id"] == va.conn {
				t.Fatalf("a dry run linked %v", a)
			}
		}
	}
	for _, tc := range []struct {
		conn, action string
		status       int
		want         string
	}{
		{va.conn, "nope", http.StatusBadRequest, `"action"`},
		{va.conn, "", http.StatusBadRequest, `"action"`},
		{e.zd.conn, "list_users", http.StatusConflict, "only connections of vendor http"},
	} {
		r := h.Do(t, h.AdminKey, "POST", e.base+"/connections/"+tc.conn+":dryRun", map[string]any{"action": tc.action})
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) {
			t.Errorf("dry run %s on %s: %d %s", tc.action, tc.conn, r.Status, r.Body)
		}
	}
}

// TestConnectorValidatedAndSecretsKept refuses bad connectors naming the field, and keeps a credential
// used in a URL out of every answer, error and log line.
func TestConnectorValidatedAndSecretsKept(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	pc := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1})
	va := e.connect(t, "punch-clock", pc)
	const secret = "tok-very-secret-4711"
	list := func(url string, headers map[string]string) map[string]any {
		return map[string]any{"list_users": map[string]any{"request": map[string]any{"method": "GET", "url": url, "headers": headers},
			"users_path": "users", "id_path": "punch_clock_id", "email_path": "punch_clock_email", "total_path": "total"}}
	}
	for _, tc := range []struct {
		name   string
		vendor string
		spec   any
		field  string
	}{
		{"missing", "http", nil, `"http_connector"`},
		{"absolute url", "http", list("https://evil.example/users?page={{page}}", nil), `"http_connector.list_users.request.url"`},
		{"unknown credential", "http", list("/users?page={{page}}", map[string]string{"Authorization": "Bearer {{credentials.nope}}"}),
			`"http_connector.list_users.request.headers[Authorization]"`},
		{"not http", "zendesk", list("/users?page={{page}}", nil), `"http_connector"`},
	} {
		body := map[string]any{"name": tc.name, "vendor": tc.vendor, "base_url": "http://127.0.0.1:9", "credentials": map[string]string{"token": secret}}
		if tc.spec != nil {
			body["http_connector"] = tc.spec
		}
		r := h.Do(t, h.AdminKey, "POST", e.base+"/connections", body)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), tc.field) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
		}
	}

	// The token in the URL's path: the vendor refuses it (404), and nobody sees it.
	spec := list("/{{credentials.token}}/users?page={{page}}", map[string]string{"Authorization": "Bearer {{credentials.api_token}}"})
	creds := map[string]string{"token": secret, "api_token": pc.Credentials()["api_token"]}
	e.must(t, "PATCH", "/connections/"+va.conn, map[string]any{"credentials": creds, "http_connector": spec})
	run := e.must(t, "POST", "/connections/"+va.conn+"/sync-runs", map[string]any{})["sync_run"].(map[string]any)["id"].(string)
	var seen []string
	testwait.For(t, "the run fails", func() bool {
		r := h.Do(t, h.AdminKey, "GET", e.base+"/connections/"+va.conn+"/sync-runs/"+run, nil)
		seen = append(seen, string(r.Body))
		return strings.Contains(string(r.Body), `"failed"`)
	})
	conn := h.Do(t, h.AdminKey, "GET", e.base+"/connections/"+va.conn, nil)
	dry := h.Do(t, h.AdminKey, "POST", e.base+"/connections/"+va.conn+":dryRun", map[string]any{"action": "list_users"})
	seen = append(seen, string(conn.Body), string(dry.Body), h.Logs.String())
	for _, s := range seen {
		if strings.Contains(s, secret) {
			t.Fatalf("the credential leaked: %s", s)
		}
	}
	if !strings.Contains(string(conn.Body), "[redacted]") || !strings.Contains(string(dry.Body), "[redacted]") {
		t.Fatalf("health and dry run should name the redacted path:\n%s\n%s", conn.Body, dry.Body)
	}
}

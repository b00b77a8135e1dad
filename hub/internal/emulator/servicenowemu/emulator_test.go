package servicenowemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
)

func serve(t *testing.T, opts servicenowemu.Options) (*servicenowemu.Emulator, *httptest.Server) {
	t.Helper()
	em := servicenowemu.New(opts)
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return em, srv
}

// do sends a request (auth: "basic", "" for none, or a full Authorization value) and decodes JSON.
func do(t *testing.T, srv *httptest.Server, method, path, auth, ctype, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	switch auth {
	case "":
	case "basic":
		req.SetBasicAuth(servicenowemu.DefaultUsername, servicenowemu.DefaultPassword)
	default:
		req.Header.Set("Authorization", auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, raw)
		}
	}
	return resp, out
}

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	if out["status"] != "failure" {
		return ""
	}
	return m
}

func TestAuthAndOAuthGrants(t *testing.T) {
	_, srv := serve(t, servicenowemu.Options{})
	if resp, out := do(t, srv, "GET", "/api/now/table/sys_user", "", "", ""); resp.StatusCode != 401 || errMessage(out) != "User Not Authenticated" {
		t.Errorf("no auth: %d %v", resp.StatusCode, out)
	}
	if resp, _ := do(t, srv, "GET", "/api/now/table/sys_user", "Basic eDp5", "", ""); resp.StatusCode != 401 {
		t.Errorf("wrong basic: %d", resp.StatusCode)
	}
	form := "application/x-www-form-urlencoded"
	pw := url.Values{"grant_type": {"password"}, "client_id": {servicenowemu.DefaultClientID}, "client_secret": {servicenowemu.DefaultClientSecret},
		"username": {servicenowemu.DefaultUsername}, "password": {servicenowemu.DefaultPassword}}
	j, _ := json.Marshal(map[string]string{"grant_type": "password"})
	if resp, out := do(t, srv, "POST", "/oauth_token.do", "", "application/json", string(j)); resp.StatusCode != 400 || out["error"] != "invalid_request" {
		t.Errorf("JSON token request: %d %v; want 400 (form-encoded only)", resp.StatusCode, out)
	}
	bad := url.Values{}
	for k, v := range pw {
		bad[k] = v
	}
	bad.Set("password", "nope")
	if resp, out := do(t, srv, "POST", "/oauth_token.do", "", form, bad.Encode()); resp.StatusCode != 401 || out["error_description"] != "access_denied" {
		t.Errorf("wrong password: %d %v", resp.StatusCode, out)
	}
	resp, tok := do(t, srv, "POST", "/oauth_token.do", "", form, pw.Encode())
	if resp.StatusCode != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != 1799.0 || tok["refresh_token"] == "" {
		t.Fatalf("password grant: %d %v", resp.StatusCode, tok)
	}
	if resp, _ := do(t, srv, "GET", "/api/now/table/sys_user", "Bearer "+tok["access_token"].(string), "", ""); resp.StatusCode != 200 {
		t.Errorf("bearer: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/api/now/table/sys_user", "Bearer "+tok["refresh_token"].(string), "", ""); resp.StatusCode != 401 {
		t.Errorf("a refresh token used as an access token: %d; want 401", resp.StatusCode)
	}
	rf := url.Values{"grant_type": {"refresh_token"}, "client_id": {servicenowemu.DefaultClientID}, "client_secret": {servicenowemu.DefaultClientSecret},
		"refresh_token": {tok["refresh_token"].(string)}}
	resp, tok2 := do(t, srv, "POST", "/oauth_token.do", "", form, rf.Encode())
	if resp.StatusCode != 200 || tok2["refresh_token"] != tok["refresh_token"] || tok2["access_token"] == tok["access_token"] {
		t.Errorf("refresh grant: %d %v", resp.StatusCode, tok2)
	}
	rf.Set("grant_type", "client_credentials")
	if resp, out := do(t, srv, "POST", "/oauth_token.do", "", form, rf.Encode()); resp.StatusCode != 400 || out["error"] != "unsupported_grant_type" {
		t.Errorf("client_credentials: %d %v", resp.StatusCode, out)
	}
}

func TestTablePaginationHeaders(t *testing.T) {
	em, srv := serve(t, servicenowemu.Options{})
	for range 5 {
		em.AddUser("a@example.com", "A")
	}
	resp, out := do(t, srv, "GET", "/api/now/table/sys_user?sysparm_limit=2&sysparm_offset=2&sysparm_fields=sys_id,email", "basic", "", "")
	link := resp.Header.Get("Link")
	if resp.StatusCode != 200 || resp.Header.Get("X-Total-Count") != "5" || len(out["result"].([]any)) != 2 {
		t.Fatalf("page: %d %v %v", resp.StatusCode, resp.Header, out)
	}
	for _, want := range []string{`sysparm_offset=0>;rel="first"`, `sysparm_offset=0>;rel="prev"`, `sysparm_offset=4>;rel="next"`, `sysparm_offset=4>;rel="last"`} {
		if !strings.Contains(link, want) {
			t.Errorf("Link %s lacks %s", link, want)
		}
	}
	if row := out["result"].([]any)[0].(map[string]any); len(row) != 2 || row["email"] != "a@example.com" {
		t.Errorf("sysparm_fields not applied: %v", row)
	}
	resp, _ = do(t, srv, "GET", "/api/now/v2/table/sys_user?sysparm_limit=2&sysparm_offset=4&sysparm_no_count=true", "basic", "", "")
	if resp.Header.Get("X-Total-Count") != "" || strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Errorf("last page without count: %v", resp.Header)
	}
	_, out = do(t, srv, "GET", "/api/now/table/awa_agent_presence?sysparm_limit=1", "basic", "", "")
	ref, _ := out["result"].([]any)[0].(map[string]any)["agent"].(map[string]any)
	if ref["value"] == nil || !strings.HasPrefix(ref["link"].(string), srv.URL+"/api/now/table/sys_user/") {
		t.Errorf("reference field %v; want link and value", ref)
	}
	_, out = do(t, srv, "GET", "/api/now/table/awa_agent_presence?sysparm_limit=1&sysparm_exclude_reference_link=true", "basic", "", "")
	if _, isString := out["result"].([]any)[0].(map[string]any)["agent"].(string); !isString {
		t.Errorf("sysparm_exclude_reference_link ignored: %v", out)
	}
	if resp, out := do(t, srv, "GET", "/api/now/table/incident", "basic", "", ""); resp.StatusCode != 400 || errMessage(out) == "" {
		t.Errorf("unknown table: %d %v", resp.StatusCode, out)
	}
	_, out = do(t, srv, "GET", "/api/now/table/awa_presence_state?sysparm_query=active=true^ORDERBYDESCorder", "basic", "", "")
	if rows := out["result"].([]any); len(rows) != 4 || rows[0].(map[string]any)["name"] != "Offline" {
		t.Errorf("active states by order desc: %v", rows)
	}
}

func TestAWAAgentAPI(t *testing.T) {
	em, srv := serve(t, servicenowemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	if resp, out := do(t, srv, "GET", "/api/now/awa/agents/nobody", "basic", "", ""); resp.StatusCode != 404 || errMessage(out) != "Record Not Found" {
		t.Errorf("unknown agent: %d %v", resp.StatusCode, out)
	}
	path := "/api/now/awa/agents/" + id
	for _, c := range []struct {
		name, ctype, body string
		status            int
	}{
		{"not json", "text/plain", `{}`, 415},
		{"no presence", "application/json", `{}`, 400},
		{"inactive state", "application/json", `{"presence":{"sys_id":"` + servicenowemu.Training.SysID + `"}}`, 400},
		{"unknown channel", "application/json", `{"presence":{"sys_id":"` + servicenowemu.Available.SysID + `","channels":[{"sys_id":"x","available":true}]}}`, 400},
		{"available, chat off", "application/json", `{"presence":{"sys_id":"` + servicenowemu.Available.SysID + `","channels":[{"sys_id":"27f675e3739713004a905ee515f6a7c3","available":false}]}}`, 200},
	} {
		if resp, out := do(t, srv, "PUT", path, "basic", c.ctype, c.body); resp.StatusCode != c.status {
			t.Errorf("%s: %d %v; want %d", c.name, resp.StatusCode, out, c.status)
		}
	}
	_, out := do(t, srv, "GET", path, "basic", "", "")
	p := out["result"].(map[string]any)["presence"].(map[string]any)
	chans := p["channels"].([]any)
	if p["name"] != "Available" || chans[0].(map[string]any)["available"] != false || chans[1].(map[string]any)["available"] != true {
		t.Errorf("presence %v; want Available with Chat off and Case on", p)
	}
	_, out = do(t, srv, "GET", path+"/presence_states", "basic", "", "")
	if states := out["result"].([]any); len(states) != 4 {
		t.Errorf("presence_states %v; want the 4 active states", states)
	}
	_, noRole := serve(t, servicenowemu.Options{NoAWARole: true})
	if resp, out := do(t, noRole, "GET", path, "basic", "", ""); resp.StatusCode != 403 || errMessage(out) != "User Not Authorized" {
		t.Errorf("without awa_integration_user: %d %v", resp.StatusCode, out)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	em, srv := serve(t, servicenowemu.Options{})
	em.SetRateLimit(1)
	resp, _ := do(t, srv, "GET", "/api/now/table/sys_user", "basic", "", "")
	if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "1" || resp.Header.Get("X-RateLimit-Rule") == "" || resp.Header.Get("X-RateLimit-Remaining") != "" {
		t.Errorf("first: %d %v", resp.StatusCode, resp.Header)
	}
	resp, out := do(t, srv, "GET", "/api/now/table/sys_user", "basic", "", "")
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != 429 || retry < 1 || resp.Header.Get("X-RateLimit-Reset") == "" || errMessage(out) == "" {
		t.Errorf("over the limit: %d %v %v", resp.StatusCode, resp.Header, out)
	}
	if resp, _ := do(t, srv, "GET", "/api/now/table/sys_user", "", "", ""); resp.StatusCode != 401 {
		t.Errorf("unauthenticated requests are refused before the limit: %d", resp.StatusCode)
	}
}

func TestChangeRefusesUnknownOrInactiveStates(t *testing.T) {
	em, _ := serve(t, servicenowemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	for _, s := range []string{"busy", "state:" + servicenowemu.Training.SysID, "state:nope"} {
		if err := em.Change(id, s); err == nil {
			t.Errorf("Change(%q) accepted", s)
		}
	}
	if err := em.Change(id, "state:"+servicenowemu.Break.SysID); err != nil {
		t.Fatal(err)
	}
	if s, _ := em.State(id); s != "state:"+servicenowemu.Break.SysID {
		t.Errorf("state %q", s)
	}
}

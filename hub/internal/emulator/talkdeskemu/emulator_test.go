package talkdeskemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/talkdeskemu"
)

func serve(t *testing.T, opts talkdeskemu.Options) (*talkdeskemu.Emulator, *httptest.Server) {
	t.Helper()
	em := talkdeskemu.New(opts)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return em, srv
}

// send sends a request and decodes the JSON answer.
func send(t *testing.T, srv *httptest.Server, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", req.Method, req.URL.Path, raw)
		}
	}
	return resp, out
}

// tokenReq builds a token request.
func tokenReq(srv *httptest.Server, id, secret, contentType, body string) *http.Request {
	req, _ := http.NewRequest("POST", srv.URL+"/oauth/token", strings.NewReader(body))
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

// token gets an access token with the given scopes.
func token(t *testing.T, srv *httptest.Server, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}.Encode()
	resp, out := send(t, srv, tokenReq(srv, talkdeskemu.DefaultClientID, talkdeskemu.DefaultClientSecret, "application/x-www-form-urlencoded", form))
	if resp.StatusCode != 200 || out["token_type"] != "Bearer" || out["expires_in"] != 3600.0 || out["scope"] != scope {
		t.Fatalf("token: %d %v", resp.StatusCode, out)
	}
	return out["access_token"].(string)
}

func api(t *testing.T, srv *httptest.Server, tok, method, path, contentType, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return send(t, srv, req)
}

func TestTokenEndpointErrors(t *testing.T) {
	_, srv := serve(t, talkdeskemu.Options{})
	id, secret := talkdeskemu.DefaultClientID, talkdeskemu.DefaultClientSecret
	form := "application/x-www-form-urlencoded"
	for _, c := range []struct {
		name                    string
		id, secret, ctype, body string
		status                  int
		code                    string
	}{
		{"no client auth", "", "", form, "grant_type=client_credentials", 401, "invalid_client"},
		{"wrong secret", id, "nope", form, "grant_type=client_credentials", 401, "invalid_client"},
		{"json body", id, secret, "application/json", `{"grant_type":"client_credentials"}`, 400, "invalid_request"},
		{"password grant", id, secret, form, "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"},
		{"unknown scope", id, secret, form, "grant_type=client_credentials&scope=users:read+accounts:write", 400, "invalid_scope"},
	} {
		resp, out := send(t, srv, tokenReq(srv, c.id, c.secret, c.ctype, c.body))
		if resp.StatusCode != c.status || out["error"] != c.code || out["error_description"] == "" {
			t.Errorf("%s: %d %v; want %d %s", c.name, resp.StatusCode, out, c.status, c.code)
		}
	}
}

func TestBearerAndScopes(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	readOnly := token(t, srv, "users:read presence-user:read")
	for _, c := range []struct {
		name, tok, method, path, body string
		status                        int
	}{
		{"no token", "", "GET", "/users", "", 401},
		{"unknown token", "abc", "GET", "/users", "", 401},
		{"read", readOnly, "GET", "/users/" + id + "/presence", "", 200},
		{"write without scope", readOnly, "PUT", "/users/" + id + "/presence/status", `{"status":"available"}`, 403},
		{"unknown path", readOnly, "GET", "/agents", "", 404},
		{"wrong method", readOnly, "DELETE", "/users/" + id, "", 405},
	} {
		resp, out := api(t, srv, c.tok, c.method, c.path, "application/json", c.body)
		if resp.StatusCode != c.status || (c.status != 200 && (out["code"] == nil || out["message"] == nil)) {
			t.Errorf("%s: %d %v; want %d with a Talkdesk error body", c.name, resp.StatusCode, out, c.status)
		}
	}
	em.ExpireTokens()
	if resp, out := api(t, srv, readOnly, "GET", "/users", "", ""); resp.StatusCode != 401 || !strings.Contains(out["description"].(string), "expired") {
		t.Errorf("expired token: %d %v", resp.StatusCode, out)
	}
}

func TestSetStatusRules(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	tok := token(t, srv, "presence-user:read presence-status:write")
	path := "/users/" + id + "/presence/status"
	lunch := `{"status":"away","custom_status_id":"` + talkdeskemu.Lunch.ID + `"}`
	for _, c := range []struct {
		name, ctype, body string
		status            int
	}{
		{"not json", "text/plain", `{"status":"available"}`, 415},
		{"offline", "application/json", `{"status":"offline"}`, 400},
		{"generic busy", "application/json", `{"status":"away"}`, 400},
		{"unknown custom", "application/json", `{"status":"away","custom_status_id":"nope"}`, 400},
		{"custom busy", "application/json", lunch, 200},
	} {
		if resp, out := api(t, srv, tok, "PUT", path, c.ctype, c.body); resp.StatusCode != c.status {
			t.Errorf("%s: %d %v; want %d", c.name, resp.StatusCode, out, c.status)
		}
	}
	if s, _ := em.State(id); s != "busy:"+talkdeskemu.Lunch.ID {
		t.Fatalf("state %q after setting Lunch", s)
	}
	_, p := api(t, srv, tok, "GET", "/users/"+id+"/presence", "", "")
	if p["status"] != "away" || p["custom_status"] != "Lunch" || p["updated_by"] != "client:"+talkdeskemu.DefaultClientID {
		t.Errorf("presence after the API write: %v", p)
	}
	// On a call: occupancy 100 and a voice interaction; the status cannot be changed.
	if err := em.Change(id, "on_call"); err != nil {
		t.Fatal(err)
	}
	_, p = api(t, srv, tok, "GET", "/users/"+id+"/presence", "", "")
	if p["occupancy"] != 100.0 || len(p["interactions"].([]any)) != 1 || p["status"] != "away" {
		t.Errorf("presence on a call: %v", p)
	}
	if resp, out := api(t, srv, tok, "PUT", path, "application/json", `{"status":"available"}`); resp.StatusCode != 400 || !strings.Contains(out["description"].(string), "on a call") {
		t.Errorf("PUT during a call: %d %v", resp.StatusCode, out)
	}
	if err := em.Change(id, "offline"); err != nil {
		t.Fatal(err)
	}
	if resp, out := api(t, srv, tok, "PUT", path, "application/json", `{"status":"available"}`); resp.StatusCode != 400 || !strings.Contains(out["description"].(string), "offline") {
		t.Errorf("PUT while offline: %d %v", resp.StatusCode, out)
	}
	if err := em.Change(id, "on_call"); err == nil {
		t.Error("an offline agent took a call")
	}
	if err := em.Change(id, "busy:nope"); err == nil {
		t.Error("unknown custom status accepted by Change")
	}
}

func TestUsersPagesAndRateLimit(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{RatePerMinute: 3})
	for range 5 {
		em.AddUser("a@example.com", "A")
	}
	tok := token(t, srv, "users:read")
	resp, out := api(t, srv, tok, "GET", "/users?page=2&per_page=2", "", "")
	links := out["_links"].(map[string]any)
	if resp.StatusCode != 200 || out["total"] != 5.0 || out["total_pages"] != 3.0 || out["count"] != 2.0 ||
		links["next"].(map[string]any)["href"] != srv.URL+"/users?page=3&per_page=2" || links["prev"] == nil {
		t.Errorf("page 2: %d %v", resp.StatusCode, out)
	}
	if resp.Header.Get("X-RateLimit-Limit") != "3" || resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("rate headers %v", resp.Header)
	}
	if resp, _ := api(t, srv, tok, "GET", "/users?per_page=101", "", ""); resp.StatusCode != 400 {
		t.Errorf("per_page 101: %d; want 400", resp.StatusCode)
	}
	api(t, srv, tok, "GET", "/users?page=3&per_page=2", "", "")
	resp, out = api(t, srv, tok, "GET", "/users", "", "")
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != 429 || retry < 1 || out["code"] == nil {
		t.Errorf("over the limit: %d %v %v", resp.StatusCode, resp.Header, out)
	}
	// Tokens are not counted against the budget.
	token(t, srv, "users:read")
}

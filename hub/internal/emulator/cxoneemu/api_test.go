package cxoneemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/cxoneemu"
)

const api = "/inContactAPI/services/v30.0"

// unit serves a business unit and gets a token.
func unit(t *testing.T) (*cxoneemu.Emulator, *httptest.Server, string) {
	t.Helper()
	em := cxoneemu.New(cxoneemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	status, body, _ := call(t, srv, "", "POST", cxoneemu.TokenPath, `{"accessKeyId":"`+cxoneemu.DefaultAccessKeyID+`","accessKeySecret":"`+cxoneemu.DefaultAccessKeySecret+`"}`, "application/json")
	if status != 200 || body["token_type"] != "Bearer" || body["expires_in"] != 3600.0 {
		t.Fatalf("token: %d %v", status, body)
	}
	return em, srv, body["access_token"].(string)
}

func call(t *testing.T, srv *httptest.Server, token, method, path, body, contentType string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
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
	return resp.StatusCode, out, resp.Header
}

func TestAuth(t *testing.T) {
	_, srv, _ := unit(t)
	if status, body, _ := call(t, srv, "", "POST", cxoneemu.TokenPath, `{"accessKeyId":"x","accessKeySecret":"y"}`, "application/json"); status != 401 || body["error"] != "invalid_grant" {
		t.Errorf("wrong key: %d %v", status, body)
	}
	if status, _, _ := call(t, srv, "", "POST", cxoneemu.TokenPath, `{}`, "application/json"); status != 400 {
		t.Errorf("no key: %d", status)
	}
	for _, tok := range []string{"", "forged"} {
		if status, body, _ := call(t, srv, tok, "GET", api+"/agents", "", ""); status != 401 || body["error"] != "invalid_token" {
			t.Errorf("token %q: %d %v", tok, status, body)
		}
	}
}

func TestAgentsPagingAndFields(t *testing.T) {
	em, srv, tok := unit(t)
	for range 130 {
		em.AddUser("a@example.com", "Ann Smith")
	}
	status, body, _ := call(t, srv, tok, "GET", api+"/agents?skip=100&top=500&fields=agentId,emailAddress", "", "")
	agents := body["agents"].([]any)
	first := agents[0].(map[string]any)
	if status != 200 || body["totalRecords"] != 130.0 || len(agents) != 30 || len(first) != 2 || first["emailAddress"] != "a@example.com" {
		t.Errorf("page 2: %d total=%v agents=%d first=%v", status, body["totalRecords"], len(agents), first)
	}
	if _, body, _ := call(t, srv, tok, "GET", api+"/agents?top=500", "", ""); len(body["agents"].([]any)) != cxoneemu.MaxTop || body["_links"] == nil {
		t.Errorf("top above the maximum: %d agents, links %v", len(body["agents"].([]any)), body["_links"])
	}
	if status, _, _ := call(t, srv, tok, "GET", api+"/agents?skip=many", "", ""); status != 400 {
		t.Errorf("non-numeric skip: %d", status)
	}
}

func TestSetStateRefusals(t *testing.T) {
	em, srv, tok := unit(t)
	id := em.AddUser("ana@example.com", "Ana Lima")
	status, body, _ := call(t, srv, tok, "POST", api+"/agent-sessions/join?asAgentId="+id, "", "")
	if status != 202 || body["sessionId"] == "" {
		t.Fatalf("join: %d %v", status, body)
	}
	path := api + "/agent-sessions/" + body["sessionId"].(string) + "/state"
	for _, c := range []struct {
		query, body, contentType string
		status                   int
		code                     string
	}{
		{"?state=InboundContact", "", "", 400, "InvalidState"},
		{"?state=Available&reason=Lunch", "", "", 400, "InvalidParameter"},
		{"?state=Unavailable&reason=Napping", "", "", 400, "InvalidUnavailableCode"},
		{"?state=Unavailable&reason=ACW", "", "", 409, "AcwCodeRequiresContact"},
		{"", `{"state":"Unavailable","reason":"Lunch"}`, "application/json", 202, ""},
		{"", "state=Available", "application/x-www-form-urlencoded", 202, ""},
	} {
		status, body, _ := call(t, srv, tok, "POST", path+c.query, c.body, c.contentType)
		if status != c.status || (c.code != "" && body["error"] != c.code) {
			t.Errorf("%s%s: %d %v; want %d %s", c.query, c.body, status, body, c.status, c.code)
		}
	}
	if got, _ := em.State(id); got != "Available" {
		t.Errorf("state %q; want Available", got)
	}
	_ = em.Change(id, "AfterCallWork")
	if status, body, _ := call(t, srv, tok, "POST", path+"?state=Available", "", ""); status != 409 || body["error"] != "AgentInAfterCallWork" {
		t.Errorf("during ACW: %d %v", status, body)
	}
	_ = em.Change(id, "LoggedOut")
	if status, body, _ := call(t, srv, tok, "POST", path+"?state=Available", "", ""); status != 404 || body["error"] != "InvalidAgentSession" {
		t.Errorf("ended session: %d %v", status, body)
	}
	if status, body, _ := call(t, srv, tok, "POST", api+"/agent-sessions/join?asAgentId="+id, "", ""); status != 400 || body["error"] != "AgentNotLoggedIn" {
		t.Errorf("join a logged-out agent: %d %v", status, body)
	}
}

func TestStatesSinceIsIncremental(t *testing.T) {
	em, srv, tok := unit(t)
	id := em.AddUser("ana@example.com", "Ana Lima")
	_, first, _ := call(t, srv, tok, "GET", api+"/agents/states", "", "")
	since := first["lastPollTime"].(string)
	_ = em.Change(id, "OutboundContact")
	_, body, _ := call(t, srv, tok, "GET", api+"/agents/states?updatedSince="+since, "", "")
	states := body["agentStates"].([]any)
	if len(states) != 1 {
		t.Fatalf("states since %s: %v", since, states)
	}
	s := states[0].(map[string]any)
	if s["agentStateName"] != "OutboundContact" || s["isOutbound"] != true || s["contactId"] == 0.0 || s["lastPollTime"] != body["lastPollTime"] {
		t.Errorf("state %v", s)
	}
	if _, again, _ := call(t, srv, tok, "GET", api+"/agents/states?updatedSince="+body["lastPollTime"].(string), "", ""); len(again["agentStates"].([]any)) > 1 {
		t.Errorf("states since the last poll: %v", again["agentStates"])
	}
	if status, _, _ := call(t, srv, tok, "GET", api+"/agents/states?updatedSince=yesterday", "", ""); status != 400 {
		t.Errorf("bad updatedSince: %d", status)
	}
}

func TestRateLimit(t *testing.T) {
	_, srv, tok := unit(t)
	srv2 := httptest.NewServer(cxoneemu.New(cxoneemu.Options{RatePerMinute: 2, AccessKeyID: "k", AccessKeySecret: "s"}))
	t.Cleanup(srv2.Close)
	_, tb, _ := call(t, srv2, "", "POST", cxoneemu.TokenPath, `{"accessKeyId":"k","accessKeySecret":"s"}`, "application/json")
	var status int
	var h http.Header
	for range 3 {
		status, _, h = call(t, srv2, tb["access_token"].(string), "GET", api+"/teams", "", "")
	}
	if status != 429 || h.Get("Retry-After") == "" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Limit") != "2" {
		t.Errorf("third request over 2/min: %d %v", status, h)
	}
	if status, _, _ := call(t, srv, tok, "GET", api+"/teams/999/unavailable-codes", "", ""); status != 404 {
		t.Errorf("unknown team: %d", status)
	}
}

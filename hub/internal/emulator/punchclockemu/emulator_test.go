package punchclockemu

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAPI(t *testing.T) {
	e := New(Options{PageSize: 2, RatePerMinute: -1})
	srv := httptest.NewServer(e)
	defer srv.Close()
	ids := []string{e.AddUser("a@x.example", "A"), e.AddUser("b@x.example", "B"), e.AddUser("c@x.example", "C")}
	call := func(method, path, token, body string) (int, map[string]any, http.Header) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m, resp.Header
	}
	tok := DefaultAPIToken
	if code, _, _ := call("GET", "/users/formatted", "", ""); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	code, page, h := call("GET", "/users/not-formatted?page=1", tok, "")
	users := page["users"].([]any)
	if code != 200 || len(users) != 2 || page["count"] != float64(2) || page["total"] != float64(3) ||
		users[0].(map[string]any)["punch_clock_id"] != ids[0] || !strings.Contains(h.Get("Link"), `page=2>; rel="next"`) {
		t.Fatalf("page 1: %d %v %v", code, page, h)
	}
	code, page, h = call("GET", "/users/formatted?page=2", tok, "")
	if code != 200 || page["count"] != float64(1) || page["next"] != nil || h.Get("Link") != "" ||
		page["users"].([]any)[0].(map[string]any)["id"] != ids[2] {
		t.Fatalf("page 2: %d %v", code, page)
	}
	if code, _, _ := call("GET", "/users/formatted?page=0", tok, ""); code != 400 {
		t.Fatalf("page 0: %d", code)
	}
	if code, _, _ := call("POST", "/users/"+ids[1]+"/punch-clock", tok, `{"action":"in"}`); code != 201 {
		t.Fatalf("punch: %d", code)
	}
	if code, _, _ := call("POST", "/users/"+ids[1]+"/punch-clock", tok, `{"action":"lunch"}`); code != 400 {
		t.Fatalf("bad punch: %d", code)
	}
	if code, _, _ := call("POST", "/users/pc-9/punch-clock", tok, `{"action":"in"}`); code != 404 {
		t.Fatalf("unknown user: %d", code)
	}
	if st, _ := e.State(ids[1]); st != PunchIn {
		t.Fatalf("state %q", st)
	}
	e.SetRateLimit(1)
	call("GET", "/users/formatted", tok, "")
	if code, _, h := call("GET", "/users/formatted", tok, ""); code != 429 || h.Get("Retry-After") == "" || h.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("past the budget: %d %v", code, h)
	}
}

package aircallemu_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/shared/testwait"
)

func serve(t *testing.T, opts aircallemu.Options) (*aircallemu.Emulator, *httptest.Server) {
	t.Helper()
	em := aircallemu.New(opts)
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return em, srv
}

// do sends an authenticated request (unless noAuth) and decodes the JSON answer.
func do(t *testing.T, srv *httptest.Server, method, path, body string, noAuth bool) (*http.Response, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, srv.URL+path, rd)
	if !noAuth {
		req.SetBasicAuth(aircallemu.DefaultAPIID, aircallemu.DefaultAPIToken)
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

func TestOperationalAvailability(t *testing.T) {
	em, srv := serve(t, aircallemu.Options{})
	ids := map[string]string{}
	for _, st := range []string{"available", "custom", "unavailable", "in_call", "after_call_work", "offline"} {
		id := em.AddUser(st+"@example.com", st)
		if err := em.Change(id, st); err != nil {
			t.Fatal(err)
		}
		ids[id] = st
	}
	want := map[string]string{"available": "available", "custom": "available", "unavailable": "do_not_disturb",
		"in_call": "in_call", "after_call_work": "after_call_work", "offline": "offline"}
	_, list := do(t, srv, "GET", "/v1/users/availabilities?per_page=50", "", false)
	users := list["users"].([]any)
	if len(users) != len(ids) || list["meta"].(map[string]any)["total"] != float64(len(ids)) {
		t.Fatalf("availabilities: %v", list)
	}
	for _, u := range users {
		u := u.(map[string]any)
		id := strconv.FormatInt(int64(u["id"].(float64)), 10)
		if u["availability"] != want[ids[id]] {
			t.Errorf("user changed to %s: availability %v; want %s", ids[id], u["availability"], want[ids[id]])
		}
		_, one := do(t, srv, "GET", "/v1/users/"+id+"/availability", "", false)
		if one["availability"] != u["availability"] {
			t.Errorf("single availability %v; list says %v", one, u["availability"])
		}
	}
	if resp, _ := do(t, srv, "GET", "/v1/users/42/availability", "", false); resp.StatusCode != 404 {
		t.Errorf("unknown user's availability: %d", resp.StatusCode)
	}
}

func TestUserObjects(t *testing.T) {
	em, srv := serve(t, aircallemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	_, v1 := do(t, srv, "GET", "/v1/users/"+id, "", false)
	u := v1["user"].(map[string]any)
	for _, f := range []string{"id", "direct_link", "name", "email", "available", "availability_status", "substatus",
		"created_at", "time_zone", "language", "wrap_up_time", "numbers"} {
		if _, ok := u[f]; !ok {
			t.Errorf("v1 user lacks %s: %v", f, u)
		}
	}
	if u["direct_link"] != srv.URL+"/v1/users/"+id || u["available"] != true {
		t.Errorf("v1 user %v", u)
	}
	_, v2 := do(t, srv, "GET", "/v2/users/ana@example.com", "", false)
	if u2, _ := v2["user"].(map[string]any); u2 == nil || u2["numbers"] != nil || u2["id"] != u["id"] {
		t.Errorf("v2 user by email: %v", v2)
	}
	_, list := do(t, srv, "GET", "/v2/users", "", false)
	if first := list["users"].([]any)[0].(map[string]any); first["numbers"] != nil {
		t.Errorf("v2 list has numbers: %v", first)
	}
	if got := em.Users(); len(got) != 1 || got[0].ID != id || got[0].Email != "ana@example.com" {
		t.Errorf("Users() = %v", got)
	}
	if resp, _ := do(t, srv, "DELETE", "/v1/users/"+id, "", false); resp.StatusCode != 405 {
		t.Errorf("DELETE user: %d; want 405", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/v1/users?page=201&per_page=50", "", false); resp.StatusCode != 400 {
		t.Errorf("page past 10,000 records: %d; want 400", resp.StatusCode)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	_, srv := serve(t, aircallemu.Options{RatePerMinute: 2})
	if resp, _ := do(t, srv, "GET", "/v1/ping", "", true); resp.StatusCode != 401 || resp.Header.Get("X-AircallApi-Limit") != "" {
		t.Errorf("unauthenticated: %d %v; want 401 without rate headers", resp.StatusCode, resp.Header)
	}
	for i, want := range []string{"1", "0"} {
		resp, _ := do(t, srv, "GET", "/v1/ping", "", false)
		if resp.StatusCode != 200 || resp.Header.Get("X-AircallApi-Limit") != "2" || resp.Header.Get("X-AircallApi-Remaining") != want {
			t.Errorf("request %d: %d %v", i+1, resp.StatusCode, resp.Header)
		}
	}
	resp, body := do(t, srv, "GET", "/v1/ping", "", false)
	reset, _ := strconv.ParseInt(resp.Header.Get("X-AircallApi-Reset"), 10, 64)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != 429 || body["error"] != "Too Many Requests" || retry < 1 || resp.Header.Get("X-AircallApi-Remaining") != "0" ||
		reset < time.Now().Unix() || reset > time.Now().Add(61*time.Second).Unix() {
		t.Errorf("over the limit: %d %v %v", resp.StatusCode, body, resp.Header)
	}
}

// hookSink records deliveries.
type hookSink struct {
	mu  sync.Mutex
	got []map[string]any
}

func (s *hookSink) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	s.mu.Lock()
	s.got = append(s.got, m)
	s.mu.Unlock()
}

func (s *hookSink) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	var got []map[string]any
	testwait.Seen(t, testwait.Default, fmt.Sprintf("%d deliveries", n), func() (bool, string) {
		s.mu.Lock()
		got = append([]map[string]any(nil), s.got...)
		s.mu.Unlock()
		return len(got) >= n, fmt.Sprint(got)
	})
	return got
}

func TestWebhookEnvelopesAndManagement(t *testing.T) {
	em, srv := serve(t, aircallemu.Options{WebhookToken: "tok-123"})
	sink := &hookSink{}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)
	_, created := do(t, srv, "POST", "/v1/webhooks", `{"url":"`+hook.URL+`","events":["user.closed","call.answered"]}`, false)
	wh := created["webhook"].(map[string]any)
	id := em.AddUser("ana@example.com", "Ana")
	if resp, _ := do(t, srv, "PUT", "/v1/users/"+id, `{"availability_status":"unavailable"}`, false); resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	if err := em.Change(id, "in_call"); err != nil {
		t.Fatal(err)
	}
	got := sink.wait(t, 2)
	closed, answered := got[0], got[1]
	if closed["resource"] != "user" || closed["event"] != "user.closed" || closed["token"] != "tok-123" || closed["timestamp"] == nil ||
		closed["data"].(map[string]any)["availability_status"] != "unavailable" {
		t.Errorf("user.closed delivery %v", closed)
	}
	user := answered["data"].(map[string]any)["user"].(map[string]any)
	if answered["resource"] != "call" || answered["event"] != "call.answered" || user["availability_status"] != "unavailable" || user["substatus"] != nil {
		t.Errorf("call.answered delivery %v (nested user must be abridged)", answered)
	}
	// PUT without events subscribes to every event (Aircall's quirk); active:false stops deliveries.
	_, updated := do(t, srv, "PUT", "/v1/webhooks/"+wh["webhook_id"].(string), `{"active":false}`, false)
	if u := updated["webhook"].(map[string]any); u["active"] != false || len(u["events"].([]any)) < 20 {
		t.Errorf("updated webhook %v", u)
	}
	if err := em.Change(id, "available"); err != nil {
		t.Fatal(err)
	}
	// Active again, a later change is delivered: deliveries go out in order, so one for the change made
	// while inactive would have come first.
	if _, reactivated := do(t, srv, "PUT", "/v1/webhooks/"+wh["webhook_id"].(string), `{"active":true}`, false); reactivated["webhook"].(map[string]any)["active"] != true {
		t.Fatalf("reactivated webhook %v", reactivated)
	}
	if err := em.Change(id, "unavailable"); err != nil {
		t.Fatal(err)
	}
	got = sink.wait(t, 3)
	for _, d := range got[2:] {
		if data, _ := d["data"].(map[string]any); data["availability_status"] == "available" {
			t.Errorf("delivery %v of the change made while the webhook was inactive", d)
		}
	}
	if resp, _ := do(t, srv, "DELETE", "/v1/webhooks/nope", "", false); resp.StatusCode != 404 {
		t.Errorf("DELETE unknown webhook: %d", resp.StatusCode)
	}
}

func TestChangeRefusals(t *testing.T) {
	em, _ := serve(t, aircallemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	for _, st := range []string{"do_not_disturb", "junk"} {
		if err := em.Change(id, st); err == nil {
			t.Errorf("Change(%s) accepted", st)
		}
	}
	if err := em.Change("42", "available"); err == nil {
		t.Error("Change of an unknown user accepted")
	}
	if err := em.Change(id, "offline"); err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, "in_call"); err == nil {
		t.Error("an offline user answered a call")
	}
	if st, _ := em.State(id); st != "available" {
		t.Errorf("offline user's State = %q; want its availability_status", st)
	}
}

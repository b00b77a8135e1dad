package aircall_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/hub/internal/vendorapi/vendortest"
)

func pair() vendortest.Pair {
	return vendortest.Pair{
		NewEmulator: func(t *testing.T) emulator.Emulator {
			em := aircallemu.New(aircallemu.Options{})
			t.Cleanup(em.Close)
			return em
		},
		Factory:       aircall.New,
		Settable:      "available",
		OtherSettable: "unavailable",
		NotSettable:   "in_call",
		PageSize:      50,
	}
}

func TestContract(t *testing.T) { vendortest.Run(t, pair()) }

// serve starts an emulator over real HTTP.
func serve(t *testing.T) (*aircallemu.Emulator, *httptest.Server) {
	t.Helper()
	em := aircallemu.New(aircallemu.Options{})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	return em, srv
}

// call sends a raw request; auth is the Authorization header ("" for none, "ok" for the right pair).
func call(t *testing.T, srv *httptest.Server, method, path, auth, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	switch auth {
	case "":
	case "ok":
		req.SetBasicAuth(aircallemu.DefaultAPIID, aircallemu.DefaultAPIToken)
	default:
		req.Header.Set("Authorization", auth)
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
			t.Fatalf("%s %s: answer is not JSON: %s", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

func TestMissingVersusWrongCredentials(t *testing.T) {
	_, srv := serve(t)
	wrong := "Basic " + basic(aircallemu.DefaultAPIID, "nope")
	for _, c := range []struct {
		name, auth, path string
		status           int
		key, msg         string
	}{
		{"no header", "", "/v1/ping", 401, "message", "Unauthorized"},
		{"wrong token", wrong, "/v1/ping", 403, "message", "Forbidden"},
		{"not basic", "Bearer abc", "/v1/users", 403, "message", "Forbidden"},
		{"malformed basic", "Basic !!!", "/v1/users", 403, "message", "Forbidden"},
		{"unknown path", "ok", "/v1/nothing", 404, "message", "Not Found"},
		{"ping", "ok", "/v1/ping", 200, "ping", "pong"},
	} {
		status, body := call(t, srv, "GET", c.path, c.auth, "")
		if status != c.status || body[c.key] != c.msg {
			t.Errorf("%s: %d %v; want %d {%q:%q}", c.name, status, body, c.status, c.key, c.msg)
		}
	}
}

func basic(id, token string) string {
	req, _ := http.NewRequest("GET", "http://x", nil)
	req.SetBasicAuth(id, token)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

func TestPutReadOnlyAvailabilityRejected(t *testing.T) {
	em, srv := serve(t)
	id := em.AddUser("ana@example.com", "Ana")
	if status, _ := call(t, srv, "PUT", "/v1/users/"+id, "ok", `{"availability_status":"unavailable"}`); status != 200 {
		t.Fatalf("PUT unavailable: %d", status)
	}
	for _, v := range []string{"in_call", "after_call_work", "offline", "do_not_disturb", "junk", ""} {
		status, body := call(t, srv, "PUT", "/v1/users/"+id, "ok", `{"availability_status":"`+v+`"}`)
		if status != 400 || (body["error"] == nil && body["message"] == nil) {
			t.Errorf("PUT %q: %d %v; want 400 with an error body", v, status, body)
		}
		if got, _ := em.State(id); got != "unavailable" {
			t.Errorf("state %q after the refused PUT %q; want unavailable", got, v)
		}
	}
	if status, body := call(t, srv, "GET", "/v1/users/"+id, "ok", ""); status != 200 || body["user"].(map[string]any)["availability_status"] != "unavailable" {
		t.Errorf("GET user after refused PUTs: %d %v", status, body)
	}
}

func TestPerPageAboveMaxIsClamped(t *testing.T) {
	em, srv := serve(t)
	for range 60 {
		em.AddUser("a@example.com", "A")
	}
	for _, path := range []string{"/v1/users?per_page=80", "/v2/users?per_page=80", "/v1/users/availabilities?per_page=80"} {
		status, body := call(t, srv, "GET", path, "ok", "")
		if status != 200 {
			t.Fatalf("GET %s: %d %v", path, status, body)
		}
		meta := body["meta"].(map[string]any)
		users := body["users"].([]any)
		next, _ := meta["next_page_link"].(string)
		if meta["per_page"] != 50.0 || meta["count"] != 50.0 || len(users) != 50 || meta["total"] != 60.0 ||
			!strings.HasPrefix(next, srv.URL) || !strings.HasSuffix(next, "?page=2&per_page=50") || meta["previous_page_link"] != nil {
			t.Errorf("GET %s: meta %v with %d users; want per_page clamped to 50 and a link to page 2", path, meta, len(users))
		}
	}
	status, body := call(t, srv, "GET", "/v1/users?page=2&per_page=50", "ok", "")
	if meta := body["meta"].(map[string]any); status != 200 || meta["count"] != 10.0 || meta["next_page_link"] != nil {
		t.Errorf("last page: %d %v", status, meta)
	}
	if status, _ := call(t, srv, "GET", "/v1/users?per_page=lots", "ok", ""); status != 400 {
		t.Errorf("non-numeric per_page: %d; want 400", status)
	}
}

func TestWebhookCreationReturnsToken(t *testing.T) {
	em, srv := serve(t)
	status, body := call(t, srv, "POST", "/v1/webhooks", "ok", `{"custom_name":"hub","url":"https://hub.example.com/hooks/aircall"}`)
	if status != 201 {
		t.Fatalf("POST /v1/webhooks: %d %v", status, body)
	}
	hook := body["webhook"].(map[string]any)
	events := hook["events"].([]any)
	if hook["token"] != em.Credentials()["webhook_token"] || hook["active"] != true || hook["url"] != "https://hub.example.com/hooks/aircall" {
		t.Errorf("webhook %v; want the account's webhook token, active", hook)
	}
	if !contains(events, "user.opened") || !contains(events, "user.closed.v2") || !contains(events, "call.answered") {
		t.Errorf("events %v; omitted events should subscribe to all", events)
	}
	hookID, _ := hook["webhook_id"].(string)
	if _, list := call(t, srv, "GET", "/v1/webhooks", "ok", ""); len(list["webhooks"].([]any)) != 1 {
		t.Errorf("GET /v1/webhooks: %v", list)
	}
	if status, _ := call(t, srv, "DELETE", "/v1/webhooks/"+hookID, "ok", ""); status != 204 {
		t.Errorf("DELETE: %d", status)
	}
	if status, _ := call(t, srv, "POST", "/v1/webhooks", "ok", `{"url":"https://x.example.com","events":["user.teleported"]}`); status != 400 {
		t.Errorf("unknown event: %d; want 400", status)
	}
}

func contains(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// adapterFor builds the adapter against srv with the emulator's credentials.
func adapterFor(t *testing.T, em emulator.Emulator, srv *httptest.Server) *aircall.Adapter {
	t.Helper()
	a, err := aircall.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return a.(*aircall.Adapter)
}

func TestNewNeedsCredentials(t *testing.T) {
	_, err := aircall.New(vendorapi.Config{Credentials: map[string]string{"api_id": "x"}})
	if err == nil || !strings.Contains(err.Error(), "api_token") || !strings.Contains(err.Error(), "webhook_token") {
		t.Errorf("New without api_token and webhook_token: %v", err)
	}
}

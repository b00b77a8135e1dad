package zendeskemu_test

import (
	"strconv"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

func TestAuth(t *testing.T) {
	a := serve(t, zendeskemu.Options{Email: "ops@acme.test", APIToken: "tok", OAuthToken: "bearer"})
	for auth, want := range map[string]int{
		"-":                              401,
		"Basic b3BzQGFjbWUudGVzdDp0b2s=": 401, // "ops@acme.test:tok", without /token
		"Bearer wrong":                   401,
		"Bearer bearer":                  200,
		"":                               200,
	} {
		r := a.do(t, "GET", "/api/v2/users.json", "", auth)
		if r.status != want {
			t.Errorf("auth %q: %d; want %d", auth, r.status, want)
		}
		if want == 401 && r.body["error"] != "Couldn't authenticate you" {
			t.Errorf("auth %q: body %s", auth, r.raw)
		}
	}
}

func TestUnifiedStatusBodyForms(t *testing.T) {
	a := serve(t, zendeskemu.Options{})
	id := a.em.AddUser("ana@example.com", "Ana")
	put := "/api/v2/agent_availabilities/agent_statuses/agents/" + id
	for body, want := range map[string]string{
		`{"id":123}`: "custom:123",
		`{"data":{"type":"agent_status","attributes":{"agent_status_id":"4"}}}`: "away",
		`{"id":"5"}`: "transfers_only",
		`{"data":{"type":"agent_status","attributes":{"agent_status_id":3}}}`: "online",
	} {
		r := a.do(t, "PUT", put, body, "")
		if r.status != 200 || path(r.body, "data", "attributes", "agent_id") != float64(mustInt(t, id)) ||
			path(r.body, "data", "id") != "agent_availabilities|"+id {
			t.Errorf("PUT %s: %d %s", body, r.status, r.raw)
		}
		if got, _ := a.em.State(id); got != want {
			t.Errorf("PUT %s: state %q; want %q", body, got, want)
		}
	}
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{put, `{"id":999}`, 422},
		{put, `{"status":3}`, 400},
		{put, `not json`, 400},
		{"/api/v2/agent_availabilities/agent_statuses/agents/999999999", `{"id":3}`, 404},
	} {
		r := a.do(t, "PUT", c.path, c.body, "")
		if r.status != c.status || r.body["error"] == nil {
			t.Errorf("PUT %s %s: %d %s; want %d with an error", c.path, c.body, r.status, r.raw, c.status)
		}
	}
}

func TestAgentAvailability(t *testing.T) {
	a := serve(t, zendeskemu.Options{})
	id := a.em.AddUser("ana@example.com", "Ana")
	get := func() map[string]any { return a.do(t, "GET", "/api/v2/agent_availabilities/"+id, "", "").body }
	v1 := path(get(), "data", "attributes", "version").(float64)
	if err := a.em.Change(id, "custom:123"); err != nil {
		t.Fatal(err)
	}
	b := get()
	st := path(b, "data", "attributes", "agent_status")
	if path(st, "id") != float64(123) || path(st, "name") != "In a meeting" || path(st, "reason") != "AGENT_STATUS_SWITCHER" ||
		path(b, "data", "attributes", "version") != v1+1 {
		t.Errorf("availability after a switcher change: %v", b)
	}
	if self, _ := path(b, "data", "links", "self").(string); !strings.HasPrefix(self, a.srv.URL) {
		t.Errorf("self link %q not absolute", self)
	}
	if r := a.do(t, "GET", "/api/v2/agent_availabilities/42", "", ""); r.status != 404 || r.body["error"] != "RecordNotFound" {
		t.Errorf("unknown agent: %d %s", r.status, r.raw)
	}
	r := a.do(t, "GET", "/api/v2/agent_availabilities/agent_statuses", "", "")
	if path(r.body, "default", 1, "id") != float64(3) || path(r.body, "default", 1, "attributes", "name") != "online" ||
		path(r.body, "custom", 0, "attributes", "channels", "talk") != "away" {
		t.Errorf("status list: %s", r.raw)
	}
}

func TestTalkAvailability(t *testing.T) {
	omni := serve(t, zendeskemu.Options{})
	id := omni.em.AddUser("ana@example.com", "Ana")
	talk := "/api/v2/channels/voice/availabilities/" + id
	if r := omni.do(t, "PUT", talk, `{"availability":{"agent_state":"online"}}`, ""); r.status/100 != 4 || r.body["error"] == nil {
		t.Errorf("agent_state under omnichannel routing: %d %s; want a 4xx error", r.status, r.raw)
	}
	if r := omni.do(t, "PUT", talk, `{"availability":{"via":"phone"}}`, ""); r.status != 200 || path(r.body, "availability", "via") != "phone" {
		t.Errorf("via under omnichannel routing: %d %s", r.status, r.raw)
	}
	if err := omni.em.Change(id, "away"); err != nil {
		t.Fatal(err)
	}
	if r := omni.do(t, "GET", talk, "", ""); path(r.body, "availability", "agent_state") != "away" {
		t.Errorf("talk follows the unified status: %s", r.raw)
	}

	only := serve(t, zendeskemu.Options{TalkOnly: true})
	id = only.em.AddUser("bo@example.com", "Bo")
	talk = "/api/v2/channels/voice/availabilities/" + id
	r := only.do(t, "PUT", talk, `{"availability":{"agent_state":"online","via":"client"}}`, "")
	if want := `{"availability":{"agent_state":"online","call_status":null,"via":"client"}}`; r.status != 200 || strings.TrimSpace(r.raw) != want {
		t.Errorf("Talk PUT: %d %s; want %s", r.status, r.raw, want)
	}
	if got, _ := only.em.State(id); got != "online" {
		t.Errorf("state %q; want online", got)
	}
	if r := only.do(t, "PUT", talk, `{"availability":{"agent_state":"busy"}}`, ""); r.status != 422 {
		t.Errorf("invalid agent_state: %d %s", r.status, r.raw)
	}
	if r := only.do(t, "PUT", "/api/v2/agent_availabilities/agent_statuses/agents/"+id, `{"id":3}`, ""); r.status != 422 {
		t.Errorf("unified PUT on a Talk-only account: %d %s; want 422", r.status, r.raw)
	}
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

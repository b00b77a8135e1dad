package zendeskemu_test

import (
	"strconv"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

func TestRateLimit(t *testing.T) {
	a := serve(t, zendeskemu.Options{RateLimit: 2})
	for i, want := range []string{"1", "0"} {
		r := a.do(t, "GET", "/api/v2/users.json", "", "")
		if r.status != 200 || r.header.Get("X-Rate-Limit") != "2" || r.header.Get("X-Rate-Limit-Remaining") != want {
			t.Errorf("request %d: %d, limit %q remaining %q", i+1, r.status, r.header.Get("X-Rate-Limit"), r.header.Get("X-Rate-Limit-Remaining"))
		}
	}
	r := a.do(t, "GET", "/api/v2/users.json", "", "")
	wait, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != 429 || wait < 1 || r.body["error"] != "TooManyRequests" || r.header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("over the limit: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if r := a.do(t, "GET", "/api/v2/users.json", "", "-"); r.status != 401 || r.header.Get("X-Rate-Limit") != "2" {
		t.Errorf("unauthenticated: %d, limit %q", r.status, r.header.Get("X-Rate-Limit"))
	}
	a.em.SetRateLimit(0)
	if r := a.do(t, "GET", "/api/v2/users.json", "", ""); r.status != 200 || r.header.Get("X-Rate-Limit") != "" {
		t.Errorf("unlimited: %d, limit %q", r.status, r.header.Get("X-Rate-Limit"))
	}

	def := serve(t, zendeskemu.Options{})
	if r := def.do(t, "GET", "/api/v2/users.json", "", ""); r.header.Get("X-Rate-Limit") != "700" || r.header.Get("X-Rate-Limit-Remaining") != "699" {
		t.Errorf("default limit %q remaining %q; want 700/699", r.header.Get("X-Rate-Limit"), r.header.Get("X-Rate-Limit-Remaining"))
	}
}

func TestOutageAndCalls(t *testing.T) {
	a := serve(t, zendeskemu.Options{})
	a.em.SetDown(true)
	if r := a.do(t, "GET", "/api/v2/users.json", "", ""); r.status != 503 {
		t.Errorf("down: %d", r.status)
	}
	a.em.SetDown(false)
	if r := a.do(t, "GET", "/api/v2/users.json?role=agent", "", ""); r.status != 200 {
		t.Errorf("up: %d", r.status)
	}
	calls := a.em.Calls()
	if len(calls) != 2 || calls[0].Status != 503 || calls[1].Query != "role=agent" || calls[1].Path != "/api/v2/users.json" {
		t.Errorf("calls %+v", calls)
	}
}

package vendorsync_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/shared/testwait"
)

// snRule maps ServiceNow AWA both ways: Available, Away (lunch), Break (busy), Offline.
var snRule = map[string]string{"available": "available", "away": "lunch", "state:" + servicenowemu.Break.SysID: "busy", "offline": "offline"}

func invert(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[v] = k
	}
	return out
}

// ServiceNow has no presence webhook: the business rule the hub ships posts every change, signed.
// A change in ServiceNow reaches the hub once (the rule's call and the poll agree), the hub's own
// writes come back as echoes and are dropped, and forged or malformed calls are refused (401/400),
// logged, and never applied.
func TestServiceNowBusinessRuleCalls(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	sn := e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{OAuth: true}))
	user := e.linkUser(t, sn, 0)
	e.ruleFor(t, sn, "servicenow two-way", snRule, invert(snRule))
	e.setPresence(t, 0, "available")
	testwait.For(t, "servicenow available", func() bool { return e.vendorState(sn, 0) == "available" })
	e.processed(t, sn) // the echo has come back by both paths
	if n := e.appliedFromConn(t, 0, sn); n != 0 {
		t.Fatalf("%d changes applied from servicenow; the echo of the hub's write must be dropped", n)
	}
	// The agent goes Away in ServiceNow: applied once, though both the rule's call and the poll see it.
	if err := sn.em.Change(user, "away"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "servicenow away reaches the hub", func() bool { return e.status(t, 0) == "lunch" })
	e.processed(t, sn) // by both paths
	if n := e.appliedFromConn(t, 0, sn); n != 1 {
		t.Errorf("%d changes applied from servicenow for one change; want 1: %v", n, e.applied(t, 0))
	}
	// Forged and malformed calls.
	body := []byte(`{"event":"awa_agent_presence.changed","sys_id":"x","agent":"` + user + `","presence_state":"` +
		servicenowemu.Offline.SysID + `","sys_updated_on":"2030-01-01 00:00:00","sys_updated_by":"admin","sys_mod_count":"99"}`)
	post := func(header http.Header, b []byte) int {
		req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/"+sn.conn, strings.NewReader(string(b)))
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	forger := servicenowemu.New(servicenowemu.Options{InboundSecret: mustSecret(t)})
	stale := sn.em.Sign(body)
	stale.Set(servicenow.TimestampHeader, strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10))
	for _, c := range []struct {
		name   string
		header http.Header
		body   []byte
		want   int
	}{
		{"unsigned", http.Header{}, body, 401},
		{"signed with another secret", forger.Sign(body), body, 401},
		{"replayed an hour later", stale, body, 401},
		{"malformed", sn.em.Sign([]byte(`{"agent":`)), []byte(`{"agent":`), 400},
	} {
		if code := post(c.header, c.body); code != c.want {
			t.Errorf("%s: %d; want %d", c.name, code, c.want)
		}
	}
	if got := e.status(t, 0); got != "lunch" {
		t.Fatalf("hub %q after refused calls; want lunch (nothing applied)", got)
	}
	logs := h.Logs.String()
	if !strings.Contains(logs, "webhook rejected: signature does not verify") || !strings.Contains(logs, "webhook rejected: malformed") {
		t.Error("refused calls not logged")
	}
	// The genuine call is applied.
	if code := post(sn.em.Sign(body), body); code != http.StatusOK {
		t.Fatalf("genuine call: %d", code)
	}
	if got := e.status(t, 0); got != "offline" {
		t.Errorf("hub %q after the genuine call; want offline", got)
	}
}

func mustSecret(t *testing.T) string {
	s, err := servicenow.GenerateInboundSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Without the business rule, the hub still sees ServiceNow changes by polling, and writes back.
func TestServiceNowIsPolledWithoutTheBusinessRule(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1, withoutWebhooks)
	sn := e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{}))
	user := e.linkUser(t, sn, 0)
	e.ruleFor(t, sn, "servicenow two-way", snRule, invert(snRule))
	testwait.For(t, "servicenow polled past its baseline", func() bool { return pollBaselines["servicenow"](sn.em.Calls()) })
	if err := sn.em.Change(user, "state:"+servicenowemu.Break.SysID); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "servicenow Break reaches the hub by polling", func() bool { return e.status(t, 0) == "busy" })
	e.setPresence(t, 0, "lunch")
	testwait.For(t, "hub lunch written to servicenow", func() bool { return e.vendorState(sn, 0) == "away" })
	e.writesSettled(t, 0)
	e.processed(t, sn) // the write's echo has been polled back
	if n := e.appliedFromConn(t, 0, sn); n != 1 {
		t.Errorf("%d changes applied from servicenow; want 1 (the echo of the write polled back is dropped): %v", n, e.applied(t, 0))
	}
	polled := 0
	for _, c := range sn.em.Calls() {
		if c.Path == "/api/now/table/awa_agent_presence" && strings.Contains(c.Query, "sys_updated_on") {
			polled++
		}
	}
	if polled == 0 {
		t.Error("no awa_agent_presence polls seen")
	}
}

package vendorsync_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/testwait"
)

func TestTrayChangeUpdatesBothVendors(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	tray := h.Dial(t, e.devices[0])
	tray.Next(5 * time.Second) // snapshot

	for _, step := range []struct{ status, zendesk, aircall string }{
		{"available", "online", "available"},
		{"lunch", "away", "unavailable"},
		{"busy", "transfers_only", "unavailable"},
		{"available", "online", "available"},
	} {
		if ack := tray.SetStatus("r-"+step.status, step.status); ack.GetAck() == nil {
			t.Fatalf("set %s: %v", step.status, ack)
		}
		testwait.For(t, step.status+" written to both vendors", func() bool {
			return e.vendorState(e.zd, 0) == step.zendesk && e.vendorState(e.ac, 0) == step.aircall
		})
	}
	// The timeline answers "why": every applied change lists its vendor writes, delivered.
	var last map[string]any
	for _, en := range e.timeline(t, 0) {
		if en["outcome"] == "applied" {
			last = en
		}
	}
	writes, _ := last["writes"].([]any)
	if len(writes) != 2 {
		t.Fatalf("last change lists %d writes; want 2: %v", len(writes), last)
	}
	for _, w := range writes {
		testwait.For(t, "write marked delivered", func() bool {
			for _, en := range e.timeline(t, 0) {
				for _, ww := range asList(en["writes"]) {
					if ww["id"] == w.(map[string]any)["id"] {
						return ww["state"] == "delivered"
					}
				}
			}
			return false
		})
	}
	// Echoes of the hub's own writes were dropped: the only applied changes are the tray's four.
	e.processed(t, e.all()...) // the emulators' echo webhooks have arrived
	if got := e.applied(t, 0); len(got) != 4 {
		t.Errorf("applied changes %v; want only the tray's 4 (echoes must be dropped)", got)
	}
	conn := e.must(t, "GET", "/connections/"+e.zd.conn, nil)["connection"].(map[string]any)
	health := conn["health"].(map[string]any)
	if health["last_success_time"] == nil || health["pending_writes"] != "0" {
		t.Errorf("zendesk health %v; want a last success and nothing pending", health)
	}
}

func asList(v any) []map[string]any {
	raw, _ := v.([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		out = append(out, r.(map[string]any))
	}
	return out
}

func TestVendorChangeReachesOtherVendorAndStream(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	tray := h.Dial(t, e.devices[0])
	tray.Next(5 * time.Second)

	// The agent picks Available in Aircall (Aircall users start available): the hub follows, then
	// Zendesk, and the tray hears it.
	if err := e.ac.em.Change(e.users[e.ac][0], "unavailable"); err != nil {
		t.Fatal(err)
	}
	if err := e.ac.em.Change(e.users[e.ac][0], "available"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "available")
	testwait.For(t, "zendesk online", func() bool { return e.vendorState(e.zd, 0) == "online" })

	// Then Away in Zendesk: hub Lunch (first away status), Aircall unavailable.
	if err := e.zd.em.Change(e.users[e.zd][0], "away"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "lunch")
	testwait.For(t, "aircall unavailable", func() bool { return e.vendorState(e.ac, 0) == "unavailable" })

	// A call in Aircall shows as the system status; the call's end restores what Aircall reports.
	if err := e.ac.em.Change(e.users[e.ac][0], "in_call"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, tray, "on-call")
	if e.vendorState(e.zd, 0) != "away" {
		t.Errorf("zendesk %q during the call; system states are not written to Zendesk", e.vendorState(e.zd, 0))
	}

	// A Zendesk custom status is not mapped: not synced, and the timeline says so.
	if err := e.zd.em.Change(e.users[e.zd][0], "custom:123"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "unmapped state noted in the timeline", func() bool {
		tl := e.timeline(t, 0)
		last := tl[len(tl)-1]
		return last["outcome"] == "ignored" && strings.Contains(last["reason"].(string), "custom:123")
	})
	if got := e.status(t, 0); got != "on-call" {
		t.Errorf("status %q after an unmapped vendor state; want on-call kept", got)
	}
	e.writesSettled(t, 0)
	e.processed(t, e.all()...) // the echoes of the hub's writes have arrived
	want := []string{"available<-" + e.ac.conn, "lunch<-" + e.zd.conn, "on-call<-" + e.ac.conn}
	if got := e.applied(t, 0); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("applied %v; want %v (no echo applied)", got, want)
	}
}

// waitEvent reads the stream until an event shows status.
func waitEvent(t *testing.T, s *hubtest.StreamConn, status string) {
	t.Helper()
	deadline := time.Now().Add(testwait.Default)
	for time.Now().Before(deadline) {
		m, err := s.TryNext(time.Until(deadline))
		if err != nil {
			break
		}
		for _, p := range eventPresences(m) {
			if p.GetStatus() == status {
				return
			}
		}
	}
	t.Fatalf("no stream event with status %q", status)
}

func eventPresences(m *phv1.ServerMessage) []*phv1.Presence {
	if ev := m.GetEvent(); ev != nil {
		return []*phv1.Presence{ev.GetPresence()}
	}
	var out []*phv1.Presence
	for _, ev := range m.GetBatch().GetEvents() {
		out = append(out, ev.GetPresence())
	}
	return out
}

func TestBadWebhooksAreRejectedAndNothingApplied(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	e.setPresence(t, 0, "offline")
	user := e.users[e.zd][0]
	body := []byte(`{"type":"zen:event-type:agent.unified_state_changed","account_id":1,"id":"01X","subject":"zen:agent:` + user +
		`","time":"2026-11-21T10:00:00Z","zendesk_event_version":"2022-11-06","detail":{"account_id":"1","agent_id":"` + user +
		`","version":"9"},"event":{"previous_unified_state":{"id":"2","name":"offline","reason":"AGENT_STATUS_SWITCHER"},` +
		`"new_unified_state":{"id":"3","name":"online","reason":"AGENT_STATUS_SWITCHER"},"updated_at":"2026-11-21T10:00:00Z"}}`)
	post := func(header http.Header, b []byte) int {
		req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/"+e.zd.conn, strings.NewReader(string(b)))
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
	signed := e.zd.em.Sign(body)
	tampered := []byte(strings.Replace(string(body), `"id":"3","name":"online"`, `"id":"4","name":"away"`, 1))
	if code := post(signed, tampered); code != http.StatusUnauthorized {
		t.Errorf("tampered body: %d; want 401", code)
	}
	if code := post(http.Header{}, body); code != http.StatusUnauthorized {
		t.Errorf("unsigned body: %d; want 401", code)
	}
	garbage := []byte(`{"type":`)
	if code := post(e.zd.em.Sign(garbage), garbage); code != http.StatusBadRequest {
		t.Errorf("malformed body: %d; want 400", code)
	}
	if code := post(http.Header{}, []byte(`{"token":"nope"}`)); code != http.StatusUnauthorized {
		t.Errorf("unsigned junk: %d; want 401", code)
	}
	resp := h.Do(t, "", "POST", "/v1/webhooks/cn_unknown", body)
	if resp.Status != http.StatusNotFound {
		t.Errorf("unknown connection: %d; want 404", resp.Status)
	}
	if got := e.status(t, 0); got != "offline" {
		t.Fatalf("status %q after rejected webhooks; want offline (nothing applied)", got)
	}
	if !strings.Contains(h.Logs.String(), "webhook rejected: signature does not verify") || !strings.Contains(h.Logs.String(), "webhook rejected: malformed") {
		t.Error("rejections not logged")
	}
	// The genuine delivery, signed now, is applied.
	if code := post(e.zd.em.Sign(body), body); code != http.StatusOK {
		t.Fatalf("genuine delivery: %d", code)
	}
	if got := e.status(t, 0); got != "available" {
		t.Errorf("status %q after a genuine delivery; want available", got)
	}
}

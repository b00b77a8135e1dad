package stream_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/testwait"
)

// wait bounds every wait for the hub: generous, for a loaded machine; a passing test does not wait it out.
const wait = testwait.Default

func TestPairingEndToEnd(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, device := h.Pair(t, e.key, e.id, e.agents[0], false)
	if !strings.HasPrefix(token, "phd_") {
		t.Fatalf("device token %q", token)
	}
	s := h.Dial(t, token)
	snap := s.Next(wait).GetSnapshot()
	if snap == nil || snap.GetAgentId() != e.agents[0] || snap.GetDeviceId() != device || snap.GetPresence().GetStatus() != "offline" {
		t.Fatalf("snapshot %v", snap)
	}
	var names []string
	for _, st := range snap.GetSettableStatuses() {
		names = append(names, st.GetName())
	}
	if strings.Join(names, ",") != "available,busy,lunch,offline" {
		t.Fatalf("settable statuses %v (system and non-settable ones must not be offered)", names)
	}
	ack := s.SetStatus("r1", "available").GetAck()
	if ack == nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 1 {
		t.Fatalf("ack %v", ack)
	}
	ev := s.Next(wait).GetEvent()
	if ev.GetPresence().GetStatus() != "available" || ev.GetPresence().GetSource() != "device" || ev.GetPresence().GetVersion() != 1 {
		t.Fatalf("event %v", ev)
	}
	// Same status again: no version bump, no event.
	if ack := s.SetStatus("r2", "available").GetAck(); ack.GetOutcome() != "unchanged" || ack.GetVersion() != 1 {
		t.Fatalf("unchanged ack %v", ack)
	}
	for _, c := range []struct{ status, code string }{{"on-call", "not_settable"}, {"training", "not_settable"}, {"nap", "unknown_status"}} {
		if got := s.SetStatus("x-"+c.status, c.status).GetError(); got.GetCode() != c.code || got.GetReason() == "" {
			t.Fatalf("setting %s: %v, want %s", c.status, got, c.code)
		}
	}
	// The code worked once; the device is listed for the agent.
	code := h.Must(t, http.StatusOK, e.key, "POST", "/v1/tenants/"+e.id+"/agents/"+e.agents[0]+"/pairing-codes", map[string]any{})["pairing_code"].(map[string]any)["code"].(string)
	h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": strings.ToLower(strings.ReplaceAll(code, "-", " "))})
	h.Must(t, http.StatusNotFound, "", "POST", "/v1/pair", map[string]any{"code": code})
	devices := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+e.agents[0]+"/devices", nil)["devices"].([]any)
	if len(devices) != 2 {
		t.Fatalf("devices %v", devices)
	}
	var stored string
	if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT token_hash FROM devices WHERE id = ?"), device).Scan(&stored); err != nil || strings.Contains(stored, "phd_") {
		t.Fatalf("device token not hashed: %q %v", stored, err)
	}
}

func TestStreamRefusesBeforeUpgrade(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	for _, c := range []struct {
		name, token, query string
		want               int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"bad token", "phd_nonsense", "", http.StatusUnauthorized},
		{"hub-wide key without tenant", h.AdminKey, "", http.StatusUnauthorized},
	} {
		_, resp, err := h.DialRaw(c.token, c.query)
		if err == nil || resp == nil || resp.StatusCode != c.want {
			t.Errorf("%s: err %v, status %v, want %d", c.name, err, resp, c.want)
		}
	}
	// The subprotocol is required, and foreign browser origins are refused.
	req, _ := http.NewRequest("GET", h.URL+"/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("without subprotocol: %v %v", resp, err)
	}
	req.Header.Set("Sec-WebSocket-Protocol", "presencehub.v1")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp, err)
	}
}

func TestSystemStateBlocksQueuesAndRestores(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	s := h.Dial(t, token)
	s.Next(wait) // snapshot
	s.SetStatus("1", "available")
	vendor := func(status string) string {
		t.Helper()
		res, err := h.App.Engine.Apply(t.Context(), presence.Request{TenantID: e.id, AgentID: agent, Status: status, Source: model.SourceConnection, SourceID: "cn_phone"})
		if err != nil {
			t.Fatalf("vendor reports %s: %v", status, err)
		}
		return res.Presence.Status
	}
	vendor("on-call")
	ack := s.SetStatus("2", "lunch").GetAck()
	if ack.GetOutcome() != "queued" || ack.GetReason() != "On a call — will switch to Lunch when it ends" {
		t.Fatalf("request during a call: %v", ack)
	}
	p := h.Must(t, http.StatusOK, e.key, "GET", e.presencePath(agent), nil)["presence"].(map[string]any)
	if p["status"] != "on-call" || p["queued_status"] != "lunch" || p["kind"] != "system" {
		t.Fatalf("presence during call: %v", p)
	}
	if got := vendor("acw"); got != "acw" { // after call work is still a system state
		t.Fatalf("acw: %s", got)
	}
	if got := vendor("available"); got != "lunch" { // the call ends: the queued status wins
		t.Fatalf("after the call: %s, want the queued lunch", got)
	}
	// Another call; this time the vendor's rule maps the end of the call to "previous".
	vendor("on-call")
	if got := vendor("previous"); got != "lunch" {
		t.Fatalf("previous after a call: %s, want lunch (held before the call)", got)
	}
	// Events reached the device in version order, and the timeline explains each step.
	var last int64
	for last < 7 {
		m := s.Next(wait)
		for _, ev := range append(m.GetBatch().GetEvents(), m.GetEvent()) {
			if v := ev.GetPresence().GetVersion(); v != 0 {
				if v <= last {
					t.Fatalf("version %d after %d", v, last)
				}
				last = v
			}
		}
	}
	if last != 7 {
		t.Fatalf("last version seen %d, want 7", last)
	}
	timeline := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+agent+"/timeline", nil)["entries"].([]any)
	var steps []string
	for _, en := range timeline {
		m := en.(map[string]any)
		steps = append(steps, m["source"].(string)+":"+m["outcome"].(string)+":"+m["status"].(string))
	}
	want := "connection:applied:lunch connection:applied:on-call connection:applied:lunch connection:applied:acw device:queued:on-call connection:applied:on-call device:applied:available"
	if strings.Join(steps, " ") != want {
		t.Fatalf("timeline (newest first)\n got %s\nwant %s", strings.Join(steps, " "), want)
	}
}

func TestRefusePolicyRefusesDuringSystemStates(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, map[string]any{"system_state_policy": "refuse"})
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	s := h.Dial(t, token)
	s.Next(wait)
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(e.agents[0]), map[string]any{"status": "on-call"})
	got := s.SetStatus("1", "lunch").GetError()
	if got.GetCode() != "blocked" || !strings.Contains(got.GetReason(), "On a call") {
		t.Fatalf("during a call with policy refuse: %v", got)
	}
	tl := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+e.agents[0]+"/timeline", nil)["entries"].([]any)
	if tl[0].(map[string]any)["outcome"] != "refused" {
		t.Fatalf("refusal not in the timeline: %v", tl[0])
	}
}

func TestRevocationClosesTheStreamWithinASecond(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, device := h.Pair(t, e.key, e.id, e.agents[0], false)
	s := h.Dial(t, token)
	s.Next(wait)
	start := time.Now()
	h.Must(t, http.StatusOK, e.key, "DELETE", "/v1/tenants/"+e.id+"/agents/"+e.agents[0]+"/devices/"+device, nil)
	_, err := s.TryNext(wait)
	// Promptly: well before the heartbeat (15 s) would have noticed anything.
	if websocket.CloseStatus(err) != 4401 || time.Since(start) > 10*time.Second {
		t.Fatalf("after revocation: %v after %s, want close 4401 at once", err, time.Since(start))
	}
	if _, resp, err := h.DialRaw(token, ""); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked token reconnects: %v", err)
	}
	// Signing out from the device does the same.
	token, _ = h.Pair(t, e.key, e.id, e.agents[0], false)
	s = h.Dial(t, token)
	s.Next(wait)
	h.Must(t, http.StatusOK, token, "POST", "/v1/sign-out", map[string]any{})
	if _, err := s.TryNext(wait); websocket.CloseStatus(err) != 4401 {
		t.Fatalf("after sign-out: %v", err)
	}
}

// TestTokenOfADeletedAgentOrTenantIsRefused: a device that connected before (its token check cached)
// cannot connect again once its agent, or its tenant, is deleted; another tenant's device still can.
func TestTokenOfADeletedAgentOrTenantIsRefused(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 2, nil)
	other := seed(t, h, "globex", 1, nil)
	tokens := map[string]string{}
	for _, who := range []struct{ tenant, agent string }{{e.id, e.agents[0]}, {e.id, e.agents[1]}, {other.id, other.agents[0]}} {
		token, _ := h.Pair(t, e.key, who.tenant, who.agent, false)
		tokens[who.agent] = token
		for range 2 { // the second connect is answered from the cache
			s := h.Dial(t, token)
			s.Next(wait)
			s.WS.CloseNow()
		}
	}
	refused := func(agent string) bool {
		ws, resp, err := h.DialRaw(tokens[agent], "")
		if err == nil {
			ws.CloseNow()
			return false
		}
		return resp != nil && resp.StatusCode == http.StatusUnauthorized
	}
	h.Must(t, http.StatusOK, e.key, "DELETE", "/v1/tenants/"+e.id+"/agents/"+e.agents[0], nil)
	if !refused(e.agents[0]) {
		t.Fatal("the token of a deleted agent still connects")
	}
	h.Must(t, http.StatusOK, e.key, "DELETE", "/v1/tenants/"+e.id, nil)
	if !refused(e.agents[1]) {
		t.Fatal("the token of a deleted tenant's agent still connects")
	}
	s := h.Dial(t, tokens[other.agents[0]])
	if snap := s.Next(wait).GetSnapshot(); snap.GetTenantId() != other.id {
		t.Fatalf("the other tenant's device: snapshot %v", snap)
	}
}

func TestReconnectStartsWithAFreshSnapshot(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	s := h.Dial(t, token)
	s.Next(wait)
	s.WS.CloseNow()
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(e.agents[0]), map[string]any{"status": "busy"})
	s = h.Dial(t, token)
	snap := s.Next(wait).GetSnapshot()
	if snap.GetPresence().GetStatus() != "busy" || snap.GetPresence().GetVersion() != 1 || snap.GetPresence().GetSource() != "admin" {
		t.Fatalf("snapshot after reconnect %v", snap)
	}
}

func TestTenantsNeverSeeEachOther(t *testing.T) {
	h := hubtest.Start(t)
	a := seed(t, h, "acme", 1, nil)
	b := seed(t, h, "globex", 1, nil)
	tokenA, _ := h.Pair(t, a.key, a.id, a.agents[0], true)
	s := h.Dial(t, tokenA)
	s.Next(wait)
	s.Send(&phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: "t", TeamId: b.team}}})
	if m := s.Next(wait); m.GetError().GetCode() != "not_found" {
		t.Fatalf("subscribing to another tenant's team: %v", m)
	}
	h.Must(t, http.StatusOK, b.key, "PUT", b.presencePath(b.agents[0]), map[string]any{"status": "busy"})
	h.Must(t, http.StatusOK, a.key, "PUT", a.presencePath(a.agents[0]), map[string]any{"status": "lunch"})
	m := s.Next(wait)
	if m.GetEvent().GetPresence().GetAgentId() != a.agents[0] {
		t.Fatalf("first event after both changes: %v (must be tenant A's own)", m)
	}
	// Events reach a connection in the order they were published: had tenant B's change been sent to
	// A's device, it would come before A's next one.
	h.Must(t, http.StatusOK, a.key, "PUT", a.presencePath(a.agents[0]), map[string]any{"status": "busy"})
	if m := s.Next(wait); m.GetEvent().GetPresence().GetAgentId() != a.agents[0] || m.GetEvent().GetPresence().GetStatus() != "busy" {
		t.Fatalf("next message %v; want tenant A's own change to busy", m)
	}
	// A tenant key supervises only its own tenant.
	keyA := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants/"+a.id+"/api-keys", map[string]any{"name": "wall", "role": "viewer"})["secret"].(string)
	sup := h.Dial(t, keyA)
	if snap := sup.Next(wait).GetSnapshot(); !snap.GetSupervisor() || snap.GetTenantId() != a.id {
		t.Fatalf("supervisor snapshot %v", snap)
	}
	sup.Send(&phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: "t", TeamId: b.team}}})
	if m := sup.Next(wait); m.GetError().GetCode() != "not_found" {
		t.Fatalf("key supervisor reached another tenant: %v", m)
	}
}

func TestSupervisorWatchesATeam(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 3, nil)
	sup := h.Dial(t, h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants/"+e.id+"/api-keys", map[string]any{"name": "wall", "role": "viewer"})["secret"].(string))
	sup.Next(wait)
	sup.Send(&phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: "t", TeamId: e.team}}})
	team := sup.Next(wait).GetTeamSnapshot()
	if len(team.GetPresences()) != 3 {
		t.Fatalf("team snapshot %v", team)
	}
	if ack := sup.Next(wait).GetAck(); ack.GetRequestId() != "t" {
		t.Fatalf("subscribe ack %v", ack)
	}
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(e.agents[1]), map[string]any{"status": "lunch"})
	ev := sup.Next(wait).GetEvent()
	if ev.GetPresence().GetAgentId() != e.agents[1] || ev.GetTeamId() != e.team || ev.GetPresence().GetStatus() != "lunch" {
		t.Fatalf("team event %v", ev)
	}
	// A plain agent device may not watch teams.
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	s := h.Dial(t, token)
	s.Next(wait)
	s.Send(&phv1.ClientMessage{Kind: &phv1.ClientMessage_SubscribeTeam{SubscribeTeam: &phv1.SubscribeTeam{RequestId: "t", TeamId: e.team}}})
	if m := s.Next(wait); m.GetError().GetCode() != "forbidden" {
		t.Fatalf("agent watching a team: %v", m)
	}
}

// TestStreamRecordsWhenEachDeviceLastConnected: the devices list tells when each tray last connected.
func TestStreamRecordsWhenEachDeviceLastConnected(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 3, nil)
	tokens := make([]string, len(e.agents))
	for i, a := range e.agents {
		tokens[i], _ = h.Pair(t, e.key, e.id, a, false)
	}
	lastSeen := func(agent string) string {
		devices := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+agent+"/devices", nil)["devices"].([]any)
		if len(devices) != 1 {
			t.Fatalf("devices of %s: %v", agent, devices)
		}
		seen, _ := devices[0].(map[string]any)["last_seen_time"].(string)
		return seen
	}
	if seen := lastSeen(e.agents[0]); seen != "" {
		t.Fatalf("a device that never connected was last seen at %s", seen)
	}
	before := time.Now().Add(-time.Second)
	for _, token := range tokens {
		if snap := h.Dial(t, token).Next(wait).GetSnapshot(); snap == nil {
			t.Fatal("no snapshot")
		}
	}
	for _, a := range e.agents {
		testwait.For(t, "the device of "+a+" to be seen", func() bool { return lastSeen(a) != "" })
		at, err := time.Parse(time.RFC3339Nano, lastSeen(a))
		if err != nil || at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Fatalf("device of %s last seen at %v (%v), want between %v and now", a, at, err, before)
		}
	}
}

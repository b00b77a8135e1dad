package stream_test

// End-to-end tests of presencehub.dev/shared/streamclient, the Go client of /v1/stream used by the
// tray and the load generator, against a real hub (hubtest): real pairing, real tokens, the real
// stream server, store and presence engine.

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/streamclient"
	"presencehub.dev/shared/testwait"
)

func TestClientGetsSnapshotAndEvents(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	agent := e.agents[0]
	token, device := h.Pair(t, e.key, e.id, agent, false)
	token2, _ := h.Pair(t, e.key, e.id, agent, false)
	tray, other := startClient(t, h.URL, token), startClient(t, h.URL, token2)

	u := tray.until("the snapshot", func(u streamclient.Update) bool { return u.Snapshot != nil })
	snap := u.Snapshot
	if u.State != streamclient.Connected || snap.GetTenantId() != e.id || snap.GetAgentId() != agent || snap.GetDeviceId() != device ||
		snap.GetSupervisor() || snap.GetPresence().GetStatus() != "offline" || snap.GetPresence().GetVersion() != 0 {
		t.Fatalf("snapshot update %+v", u)
	}
	var names []string
	for _, st := range snap.GetSettableStatuses() {
		names = append(names, st.GetName())
	}
	if strings.Join(names, ",") != "available,busy,lunch,offline" {
		t.Fatalf("settable statuses %v", names)
	}
	other.snapshot()

	// A change made by one device reaches both devices of the agent; one made by an admin too.
	ack, err := tray.SetStatus(t.Context(), "available")
	if err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 1 || ack.GetRequestId() == "" {
		t.Fatalf("SetStatus(available) = %v, %v", ack, err)
	}
	for _, c := range []*client{tray, other} {
		ev := c.event("the device's change", ownEvent(agent, "available"))
		if ev.GetPresence().GetVersion() != 1 || ev.GetPresence().GetSource() != "device" {
			t.Fatalf("event %v", ev)
		}
	}
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(agent), map[string]any{"status": "busy"})
	for _, c := range []*client{tray, other} {
		if ev := c.event("the admin's change", ownEvent(agent, "busy")); ev.GetPresence().GetVersion() != 2 || ev.GetPresence().GetSource() != "admin" {
			t.Fatalf("event %v", ev)
		}
	}
	if n := tray.upgrades.Load() + other.upgrades.Load(); n != 2 {
		t.Fatalf("%d upgrade requests, want one per client", n)
	}
}

func TestClientSetStatusOutcomesAndRefusals(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	tray := startClient(t, h.URL, token)
	tray.snapshot()

	// Requests in flight together are each matched with their own answer.
	lunch := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "lunch") })
	training := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "training") })
	nap := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "nap") })
	ack, err := await(t, lunch)
	if err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 1 {
		t.Fatalf("SetStatus(lunch) = %v, %v", ack, err)
	}
	_, err = await(t, training)
	notSettable := streamError(t, err, "not_settable")
	_, err = await(t, nap)
	unknown := streamError(t, err, "unknown_status")
	if ids := []string{ack.GetRequestId(), notSettable.RequestID, unknown.RequestID}; ids[0] == ids[1] || ids[0] == ids[2] || ids[1] == ids[2] {
		t.Fatalf("request ids not distinct: %v", ids)
	}
	_, err = tray.SetStatus(t.Context(), "on-call")
	streamError(t, err, "not_settable") // a system state

	if ack, err := tray.SetStatus(t.Context(), "lunch"); err != nil || ack.GetOutcome() != "unchanged" || ack.GetVersion() != 1 {
		t.Fatalf("SetStatus(lunch) again = %v, %v", ack, err)
	}
	// "previous" goes back.
	if ack, err := tray.SetStatus(t.Context(), "previous"); err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 2 {
		t.Fatalf("SetStatus(previous) = %v, %v", ack, err)
	}
	tray.event("the previous status", ownEvent(agent, "offline"))

	// During a call the change is queued, and applied when the call ends.
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(agent), map[string]any{"status": "on-call"})
	if ev := tray.event("the call", ownEvent(agent, "on-call")); ev.GetBlockedReason() == "" {
		t.Fatalf("event of a system state without a blocked reason: %v", ev)
	}
	ack, err = tray.SetStatus(t.Context(), "busy")
	if err != nil || ack.GetOutcome() != "queued" || ack.GetReason() != "On a call — will switch to Busy when it ends" {
		t.Fatalf("SetStatus(busy) during a call = %v, %v", ack, err)
	}
	if _, err := h.App.Engine.Apply(t.Context(), presence.Request{TenantID: e.id, AgentID: agent, Status: "available", Source: model.SourceConnection, SourceID: "cn_phone"}); err != nil {
		t.Fatalf("vendor reports the end of the call: %v", err)
	}
	tray.event("the queued change applied", ownEvent(agent, "busy"))

	// With the refuse policy, a change during a call is refused as blocked.
	strict := seed(t, h, "strict", 1, map[string]any{"system_state_policy": "refuse"})
	token, _ = h.Pair(t, strict.key, strict.id, strict.agents[0], false)
	tray = startClient(t, h.URL, token)
	tray.snapshot()
	h.Must(t, http.StatusOK, strict.key, "PUT", strict.presencePath(strict.agents[0]), map[string]any{"status": "on-call"})
	_, err = tray.SetStatus(t.Context(), "lunch")
	if se := streamError(t, err, "blocked"); !strings.Contains(se.Reason, "On a call") {
		t.Fatalf("blocked reason %q", se.Reason)
	}
}

func TestClientWatchesATeam(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 3, nil)
	other := seed(t, h, "globex", 1, nil)
	supToken, _ := h.Pair(t, e.key, e.id, e.agents[0], true)
	sup := startClient(t, h.URL, supToken)
	if snap := sup.snapshot(); !snap.GetSupervisor() {
		t.Fatalf("supervisor device's snapshot %v", snap)
	}

	ts, err := sup.SubscribeTeam(t.Context(), e.team)
	if err != nil || ts.GetTeamId() != e.team || len(ts.GetPresences()) != 3 {
		t.Fatalf("SubscribeTeam = %v, %v", ts, err)
	}
	sup.until("the team snapshot", func(u streamclient.Update) bool {
		return len(u.TeamSnapshots) == 1 && u.TeamSnapshots[0].GetTeamId() == e.team
	})
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(e.agents[1]), map[string]any{"status": "lunch"})
	sup.event("the team member's change", teamEvent(e.team, e.agents[1], "lunch"))

	// Another tenant's team is refused, and so is a team for a device that is not a supervisor.
	_, err = sup.SubscribeTeam(t.Context(), other.team)
	streamError(t, err, "not_found")
	token, _ := h.Pair(t, e.key, e.id, e.agents[2], false)
	tray := startClient(t, h.URL, token)
	_, err = tray.SubscribeTeam(t.Context(), e.team)
	streamError(t, err, "forbidden")

	// An API key watches as a supervisor: a tenant key as such, a hub-wide one for the tenant it names.
	viewer := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants/"+e.id+"/api-keys", map[string]any{"name": "wall", "role": "viewer"})["secret"].(string)
	wall := startClient(t, h.URL, viewer)
	if snap := wall.snapshot(); !snap.GetSupervisor() || snap.GetTenantId() != e.id || snap.GetAgentId() != "" {
		t.Fatalf("key supervisor's snapshot %v", snap)
	}
	if ts, err := wall.SubscribeTeam(t.Context(), e.team); err != nil || len(ts.GetPresences()) != 3 {
		t.Fatalf("SubscribeTeam with a tenant key = %v, %v", ts, err)
	}
	admin := startClient(t, h.URL, h.AdminKey, func(o *streamclient.Options) { o.Tenant = e.id })
	if ts, err := admin.SubscribeTeam(t.Context(), e.team); err != nil || len(ts.GetPresences()) != 3 {
		t.Fatalf("SubscribeTeam with a hub-wide key = %v, %v", ts, err)
	}
	_, err = admin.SetStatus(t.Context(), "lunch")
	streamError(t, err, "forbidden") // no agent of its own
}

func TestClientStopsWhenItsDeviceIsRevoked(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, device := h.Pair(t, e.key, e.id, e.agents[0], false)
	tray := startClient(t, h.URL, token)
	tray.snapshot()

	h.Must(t, http.StatusOK, e.key, "DELETE", "/v1/tenants/"+e.id+"/agents/"+e.agents[0]+"/devices/"+device, nil)
	err := tray.wait()
	if !errors.Is(err, streamclient.ErrSignInRequired) || websocket.CloseStatus(err) != 4401 {
		t.Fatalf("Run = %v, want ErrSignInRequired caused by close 4401", err)
	}
	if n := tray.upgrades.Load(); n != 1 {
		t.Fatalf("%d upgrade requests, want 1 (no reconnect after 4401)", n)
	}
	if _, err := tray.SetStatus(t.Context(), "lunch"); !errors.Is(err, streamclient.ErrSignInRequired) {
		t.Fatalf("SetStatus after revocation = %v, want ErrSignInRequired", err)
	}
	var last streamclient.Update
	for u := range tray.Updates() { // closed after the last update
		last = u
	}
	if last.State != streamclient.SignInRequired || websocket.CloseStatus(last.Err) != 4401 {
		t.Fatalf("last update %+v, want SignInRequired", last)
	}
}

func TestClientWithABadTokenStopsWithSignInRequired(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	for _, c := range []struct{ name, token, tenant string }{
		{"unknown device token", "phd_nonsense", ""},
		{"unknown key", "phk_nonsense_0123456789abcdef", ""},
		{"hub-wide key without tenant", h.AdminKey, ""},
		{"hub-wide key with a bad tenant", h.AdminKey, "nonsense"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var upgrades atomic.Int32
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			cl := streamclient.New(streamclient.Options{
				HubURL: h.URL, Token: c.token, Tenant: c.tenant, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
				HTTPClient: &http.Client{Transport: countingTransport{tr, &upgrades}},
			})
			pending := async(func() (*phv1.Ack, error) { return cl.SetStatus(t.Context(), "lunch") })
			err := cl.Run(t.Context())
			if !errors.Is(err, streamclient.ErrSignInRequired) {
				t.Fatalf("Run = %v, want ErrSignInRequired", err)
			}
			if n := upgrades.Load(); n != 1 {
				t.Fatalf("%d upgrade requests, want 1 (no reconnect after a 401)", n)
			}
			if _, err := await(t, pending); !errors.Is(err, streamclient.ErrSignInRequired) {
				t.Fatalf("pending SetStatus = %v, want ErrSignInRequired", err)
			}
			var last streamclient.Update
			for u := range cl.Updates() {
				last = u
			}
			if last.State != streamclient.SignInRequired {
				t.Fatalf("last update %+v", last)
			}
		})
	}
	// The tenant named with a hub-wide key is the one watched.
	admin := startClient(t, h.URL, h.AdminKey, func(o *streamclient.Options) { o.Tenant = e.id })
	if snap := admin.snapshot(); snap.GetTenantId() != e.id || !snap.GetSupervisor() {
		t.Fatalf("snapshot %v", snap)
	}
}

func TestClientStopsCleanly(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	tray := startClient(t, h.URL, token)
	tray.snapshot()
	tray.cancel()
	if err := tray.wait(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if _, err := tray.SetStatus(t.Context(), "lunch"); !errors.Is(err, streamclient.ErrStopped) {
		t.Fatalf("SetStatus after Run = %v, want ErrStopped", err)
	}
	if err := tray.Run(t.Context()); err == nil {
		t.Fatal("second Run succeeded")
	}
	tray.until("the final update", func(u streamclient.Update) bool { return u.State == streamclient.Disconnected && u.Err == nil })
	// The device token stays good for a new client.
	tray = startClient(t, h.URL, token)
	tray.snapshot()
}

// TestClientAnswersTheHubsHeartbeat: an idle client stays connected across the hub's pings.
func TestClientAnswersTheHubsHeartbeat(t *testing.T) {
	h := hubtest.Start(t, func(c *config.Config) { c.Stream.Heartbeat = time.Second })
	e := seed(t, h, "acme", 1, nil)
	token, _ := h.Pair(t, e.key, e.id, e.agents[0], false)
	tray := startClient(t, h.URL, token)
	tray.snapshot()
	// The hub pings after 1s and closes the stream if the pong is not back at its next beat, 1s later:
	// a second ping means the first was answered in time.
	testwait.Seen(t, wait, "two pings answered", func() (bool, string) {
		n := tray.pongs.Load()
		return n >= 2, fmt.Sprintf("%d pongs", n)
	})
	if ack, err := tray.SetStatus(t.Context(), "lunch"); err != nil || ack.GetOutcome() != "applied" {
		t.Fatalf("SetStatus after idling = %v, %v", ack, err)
	}
	if n := tray.upgrades.Load(); n != 1 {
		t.Fatalf("%d upgrade requests, want 1: the idle connection was dropped\n%s", n, tray.logs.String())
	}
}

// TestClientRidesOutAHubRestart: the hub stops and a new one starts on the same address and data;
// the clients reconnect to fresh snapshots, watch their teams again and send what was asked meanwhile.
func TestClientRidesOutAHubRestart(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, hubtest.WithDataDir(dir))
	e := seed(t, h, "acme", 2, nil)
	other := seed(t, h, "globex", 1, nil)
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	supToken, _ := h.Pair(t, e.key, e.id, e.agents[1], true)
	tray, sup := startClient(t, h.URL, token), startClient(t, h.URL, supToken)
	tray.snapshot()
	sup.snapshot()
	if _, err := sup.SubscribeTeam(t.Context(), e.team); err != nil {
		t.Fatalf("SubscribeTeam: %v", err)
	}
	_, err := sup.SubscribeTeam(t.Context(), other.team)
	streamError(t, err, "not_found")
	if ack, err := tray.SetStatus(t.Context(), "available"); err != nil || ack.GetVersion() != 1 {
		t.Fatalf("SetStatus(available) = %v, %v", ack, err)
	}

	h.Stop()
	for _, c := range []*client{tray, sup} {
		c.until("the drop", func(u streamclient.Update) bool { return u.State != streamclient.Connected })
	}
	// Changes made while the hub is down wait, in order, across failed reconnects.
	n := tray.upgrades.Load()
	lunch := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "lunch") })
	tray.upgradesReach(n + 2)
	busy := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "busy") })
	tray.upgradesReach(n + 4)
	tray.running()
	sup.running()

	h = hubtest.Start(t, hubtest.WithDataDir(dir), hubtest.WithListen(strings.TrimPrefix(h.URL, "http://")))
	snap := tray.snapshot()
	if p := snap.GetPresence(); p.GetStatus() != "available" || p.GetVersion() != 1 {
		t.Fatalf("snapshot after the restart %v, want the stored presence", snap)
	}
	if ack, err := await(t, lunch); err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 2 {
		t.Fatalf("SetStatus(lunch) while the hub was down = %v, %v", ack, err)
	}
	if ack, err := await(t, busy); err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 3 {
		t.Fatalf("SetStatus(busy) while the hub was down = %v, %v", ack, err)
	}
	p := h.Must(t, http.StatusOK, e.key, "GET", e.presencePath(agent), nil)["presence"].(map[string]any)
	if p["status"] != "busy" || p["version"] != "3" || p["source"] != "device" {
		t.Fatalf("presence after the restart %v", p)
	}

	// The supervisor watches its team again without asking; the refused team is not asked for again.
	var snapped, renewed bool
	sup.until("a snapshot and the renewed team snapshot", func(u streamclient.Update) bool {
		snapped = snapped || u.Snapshot != nil
		for _, ts := range u.TeamSnapshots {
			renewed = renewed || ts.GetTeamId() == e.team
		}
		return snapped && renewed
	})
	h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(agent), map[string]any{"status": "lunch"})
	sup.event("a team event after the restart", teamEvent(e.team, agent, "lunch"))
	// The hub answers in order, so once this is answered any answer to a renewal has come.
	if _, err := sup.SetStatus(t.Context(), "available"); err != nil {
		t.Fatalf("supervisor's SetStatus: %v", err)
	}
	if logs := sup.logs.String(); strings.Contains(logs, "refused to renew") {
		t.Fatalf("the refused team was asked for again:\n%s", logs)
	}
}

// TestClientCutOffForReadingTooSlowlyReconnects: a client whose network cannot keep up is closed with
// 1008 by the hub and comes back with a fresh snapshot.
func TestClientCutOffForReadingTooSlowlyReconnects(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	tray := startClient(t, h.URL, token)
	tray.snapshot()

	// Events go straight onto the bus, far faster than the throttled socket drains, until the hub
	// gives up on the client.
	tray.slow.Store(true)
	deadline := time.Now().Add(wait)
	for i := 1; !strings.Contains(h.Logs.String(), "closing slow stream"); i++ {
		if time.Now().After(deadline) {
			t.Fatal("the slow client was never cut off")
		}
		p := &model.Presence{TenantID: e.id, AgentID: agent, Status: []string{"available", "busy"}[i%2], Version: int64(i), Source: model.SourceConnection, UpdateTime: time.Now()}
		if err := h.App.Bus.Publish(t.Context(), bus.Event{Kind: bus.KindPresence, TenantID: e.id, AgentID: agent, Presence: p}); err != nil {
			t.Fatal(err)
		}
	}
	tray.slow.Store(false)

	if snap := tray.snapshot(); snap.GetAgentId() != agent || snap.GetPresence().GetVersion() != 0 {
		t.Fatalf("snapshot after the reconnect %v", snap)
	}
	tray.running()
	if n := tray.upgrades.Load(); n != 2 {
		t.Fatalf("%d upgrade requests, want 2", n)
	}
	if logs := tray.logs.String(); !strings.Contains(logs, "ws.close_code=1008") {
		t.Fatalf("client did not see close 1008:\n%s", logs)
	}
}

// TestClientRetriesOnceWhatADroppedConnectionLeftUnanswered: while another writer holds the database,
// a new stream gets its snapshot but the hub reads nothing more from it (it waits to record the
// device's last contact), so requests go unanswered; overflowing the stream's queue then makes the
// hub drop it (1008). A request is sent once more on the next connection, then given up; "previous"
// is never sent twice.
func TestClientRetriesOnceWhatADroppedConnectionLeftUnanswered(t *testing.T) {
	if os.Getenv(hubtest.EnvStore) == "postgres" {
		t.Skip("stalls the hub with SQLite's write lock; a PostgreSQL transaction blocks nothing here")
	}
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, nil)
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	tx, err := h.App.Store.SQL().BeginTx(t.Context(), nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	release := sync.OnceFunc(func() { _ = tx.Rollback() })
	t.Cleanup(release)
	var version int64
	cut := func() { // more events than the stream's queue holds
		for range 100 {
			version++
			p := &model.Presence{TenantID: e.id, AgentID: agent, Status: "busy", Version: version, Source: model.SourceConnection, UpdateTime: time.Now()}
			if err := h.App.Bus.Publish(t.Context(), bus.Event{Kind: bus.KindPresence, TenantID: e.id, AgentID: agent, Presence: p}); err != nil {
				t.Fatal(err)
			}
		}
	}
	tray := startClient(t, h.URL, token)
	tray.snapshot()

	// "previous" is not retried: applying it twice would flip the status back.
	previous := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "previous") })
	tray.requestsReach(1)
	cut()
	if _, err := await(t, previous); !errors.Is(err, streamclient.ErrConnectionLost) || websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Fatalf("SetStatus(previous) after a drop = %v, want ErrConnectionLost caused by close 1008", err)
	}
	tray.snapshot() // "previous" was given up: it is not sent again (checked by the count at the end)

	// Dropped twice: given up.
	busy := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "busy") })
	tray.requestsReach(2)
	cut()
	tray.requestsReach(3) // the retry, on the next connection
	cut()
	if _, err := await(t, busy); !errors.Is(err, streamclient.ErrConnectionLost) {
		t.Fatalf("SetStatus(busy) after two drops = %v, want ErrConnectionLost", err)
	}

	// Dropped once: sent again, and answered once the hub reads again.
	lunch := async(func() (*phv1.Ack, error) { return tray.SetStatus(t.Context(), "lunch") })
	tray.requestsReach(4)
	cut()
	tray.requestsReach(5)
	release()
	if ack, err := await(t, lunch); err != nil || ack.GetOutcome() != "applied" || ack.GetVersion() != 1 {
		t.Fatalf("SetStatus(lunch) after one drop = %v, %v", ack, err)
	}
	tray.running()
	// The client writes its requests in order, so a resent "previous" would have gone before the
	// requests counted since: the 5 are previous, busy twice and lunch twice.
	if n := tray.requests.Load(); n != 5 {
		t.Fatalf("%d requests written, want 5 (previous sent once, busy and lunch twice)", n)
	}
	// Only that request reached the hub.
	tl := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+agent+"/timeline", nil)["entries"].([]any)
	if len(tl) != 1 || tl[0].(map[string]any)["status"] != "lunch" {
		t.Fatalf("timeline %v, want the one lunch", tl)
	}
}

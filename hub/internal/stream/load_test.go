package stream_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"presencehub.dev/hub/internal/bus"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/shared/testwait"
)

// TestConcurrentSourcesGiveOneHistory changes one agent from a tray, an admin and a vendor at once.
// Every applied change must get its own version (no lost update), versions must be contiguous, the
// stored presence must be the newest timeline entry, and the tray must see versions only increase.
func TestConcurrentSourcesGiveOneHistory(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, map[string]any{"max_changes_per_minute": 6000})
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	watcher := h.Dial(t, token)
	watcher.Next(wait)
	tray := h.Dial(t, token)
	tray.Next(wait)

	const perSource = 30
	statuses := []string{"available", "busy", "lunch"}
	var applied sync.Map // version -> source
	var wg sync.WaitGroup
	record := func(source string, version int64, outcome string) {
		if outcome == presence.OutcomeApplied {
			if prev, dup := applied.LoadOrStore(version, source); dup {
				t.Errorf("version %d applied twice (%v and %s)", version, prev, source)
			}
		}
	}
	wg.Add(3)
	go func() { // the tray, over the stream
		defer wg.Done()
		for i := 0; i < perSource; i++ {
			ack := tray.SetStatus(strconv.Itoa(i), statuses[i%3]).GetAck()
			record("device", ack.GetVersion(), ack.GetOutcome())
		}
	}()
	go func() { // an admin, over REST
		defer wg.Done()
		for i := 0; i < perSource; i++ {
			r := h.Do(t, e.key, "PUT", e.presencePath(agent), map[string]any{"status": statuses[(i+1)%3]})
			if r.Status != http.StatusOK {
				t.Errorf("admin: %d %s", r.Status, r.Body)
				return
			}
			m := r.JSON(t)
			v, _ := strconv.ParseInt(m["presence"].(map[string]any)["version"].(string), 10, 64)
			record("admin", v, m["outcome"].(string))
		}
	}()
	go func() { // a vendor connection, straight into the engine
		defer wg.Done()
		for i := 0; i < perSource; i++ {
			res, err := h.App.Engine.Apply(context.Background(), presence.Request{TenantID: e.id, AgentID: agent, Status: statuses[(i+2)%3], Source: model.SourceConnection, SourceID: "cn_x"})
			if err != nil {
				t.Errorf("vendor: %v", err)
				return
			}
			record("connection", res.Presence.Version, res.Outcome)
		}
	}()
	wg.Wait()

	final := h.Must(t, http.StatusOK, e.key, "GET", e.presencePath(agent), nil)["presence"].(map[string]any)
	finalVersion, _ := strconv.ParseInt(final["version"].(string), 10, 64)
	n := 0
	applied.Range(func(_, _ any) bool { n++; return true })
	if int64(n) != finalVersion {
		t.Fatalf("%d applied changes but final version %d", n, finalVersion)
	}
	for v := int64(1); v <= finalVersion; v++ {
		if _, ok := applied.Load(v); !ok {
			t.Fatalf("version %d missing: history has a gap", v)
		}
	}
	tl := h.Must(t, http.StatusOK, e.key, "GET", "/v1/tenants/"+e.id+"/agents/"+agent+"/timeline?page_size=1", nil)["entries"].([]any)[0].(map[string]any)
	if tl["status"] != final["status"] || tl["version"] != final["version"] {
		t.Fatalf("newest timeline entry %v does not match presence %v", tl, final)
	}
	// The watching tray saw strictly increasing versions ending at the final one.
	var last int64
	for last < finalVersion {
		m := watcher.Next(wait)
		for _, ev := range append(m.GetBatch().GetEvents(), m.GetEvent()) {
			if ev == nil {
				continue
			}
			v := ev.GetPresence().GetVersion()
			if v <= last {
				t.Fatalf("watcher saw version %d after %d", v, last)
			}
			last = v
		}
	}
}

// TestSlowConsumerIsCutOffWithoutDelayingOthers: a client that stops reading is closed with a policy
// violation once its queue overflows, while a healthy client keeps receiving every change promptly.
func TestSlowConsumerIsCutOffWithoutDelayingOthers(t *testing.T) {
	// A long heartbeat, so the only way the silent client can be cut off is its queue overflowing.
	h := hubtest.Start(t, func(c *config.Config) { c.Stream.Heartbeat = time.Hour })
	e := seed(t, h, "acme", 1, map[string]any{"max_changes_per_minute": 6000})
	agent := e.agents[0]
	token, _ := h.Pair(t, e.key, e.id, agent, false)
	slow, healthy := h.DialSlow(t, token), h.Dial(t, token)
	slow.Next(wait)
	healthy.Next(wait)
	// The slow client never reads; the healthy one reads everything, promptly, until the hub gives up
	// on the slow one. Events go straight onto the bus so that enough of them to fill the kernel's
	// socket buffers (megabytes) flow in seconds.
	statuses := []string{"available", "busy"}
	var last int64
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; !strings.Contains(h.Logs.String(), "closing slow stream"); i++ {
		version := int64(i + 1)
		p := &model.Presence{TenantID: e.id, AgentID: agent, Status: statuses[i%2], Version: version, Source: model.SourceConnection, UpdateTime: time.Now()}
		if err := h.App.Bus.Publish(context.Background(), bus.Event{Kind: bus.KindPresence, TenantID: e.id, AgentID: agent, Presence: p}); err != nil {
			t.Fatal(err)
		}
		if i%500 != 0 {
			continue
		}
		start := time.Now()
		for last < version {
			m := healthy.Next(wait)
			for _, ev := range append(m.GetBatch().GetEvents(), m.GetEvent()) {
				if ev != nil {
					last = ev.GetPresence().GetVersion()
				}
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("healthy client waited %s for change %d", d, version)
		}
		if time.Now().After(deadline) {
			t.Fatal("slow client was never cut off")
		}
	}
	// Draining now, at full speed, the slow client finds its stream ended: with the policy-violation
	// close frame when that fits in the socket before the hub's close timeout, otherwise by the
	// connection being dropped.
	slow.Unthrottle()
	for {
		_, err := slow.TryNext(wait)
		if err != nil {
			if code := websocket.CloseStatus(err); code != websocket.StatusPolicyViolation && code != -1 {
				t.Fatalf("slow client ended with %v, want close 1008 or a dropped connection", err)
			}
			break
		}
	}
	// And it can reconnect to a fresh snapshot.
	if snap := h.Dial(t, token).Next(wait).GetSnapshot(); snap.GetAgentId() != agent {
		t.Fatalf("snapshot after reconnect: %v", snap)
	}
}

// TestFlapControlCoalescesToTheLatest: at 60 changes a minute (a burst of 10, then one a second), 41
// quick changes apply the burst and hold the rest, later ones replacing the held one, which lands once
// the rate allows: the agent ends in the latest status, the held changes applied as one.
//
// The engine's token bucket runs on the wall clock, and on a loaded machine the 41 requests may take
// longer than one refill (a second): each second they take lets one more change through. The counts
// are checked against the time the requests actually took, which is exact when that is under a second.
func TestFlapControlCoalescesToTheLatest(t *testing.T) {
	h := hubtest.Start(t)
	e := seed(t, h, "acme", 1, map[string]any{"max_changes_per_minute": 60}) // burst 10, then 1/s
	agent := e.agents[0]
	var outcomes []string
	statuses := []string{"available", "busy", "lunch"}
	start := time.Now()
	// The last change asks for a status none of the others did, so that landing it always changes the
	// status (a held change equal to the current status changes nothing, not even the reason).
	status := func(i int) string {
		if i == 40 {
			return "offline"
		}
		return statuses[i%3]
	}
	for i := 0; i <= 40; i++ {
		m := h.Must(t, http.StatusOK, e.key, "PUT", e.presencePath(agent), map[string]any{"status": status(i), "reason": fmt.Sprint(i)})
		outcomes = append(outcomes, m["outcome"].(string))
	}
	refills := int(time.Since(start) / time.Second) // tokens the bucket may have gained meanwhile
	applied := 0
	for i, o := range outcomes {
		if i < 10 && o != "applied" {
			t.Fatalf("change %d %s; want the burst of 10 applied: %v", i, o, outcomes)
		}
		if o != "applied" && o != "coalesced" {
			t.Fatalf("change %d %s; want applied or coalesced: %v", i, o, outcomes)
		}
		if o == "applied" {
			applied++
		}
	}
	if applied > 10+refills {
		t.Fatalf("%d of 41 changes applied in %d refill(s); want at most %d, the rest coalesced: %v", applied, refills, 10+refills, outcomes)
	}
	// The held change lands once the rate allows: the agent ends in the latest requested status.
	want := status(40)
	var p map[string]any
	testwait.Seen(t, testwait.Default, "the latest change applied", func() (bool, string) {
		p = h.Must(t, http.StatusOK, e.key, "GET", e.presencePath(agent), nil)["presence"].(map[string]any)
		return p["status"] == want && p["reason"] == "40", fmt.Sprint(p)
	})
	// Each held change lands when a token comes: one for all of them if they took under a second, one
	// more per second they took.
	version, _ := strconv.Atoi(p["version"].(string))
	if flushed := version - applied; outcomes[40] == "coalesced" && (flushed < 1 || flushed > 1+refills) {
		t.Fatalf("version %d after %d applied changes; want the %d coalesced changes to land as %d at most",
			version, applied, len(outcomes)-applied, 1+refills)
	}
}

package vendorsync_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/testwait"
)

// TestThreeSystemsChangingAtOnceConverge links one agent on three two-way connections (Zendesk,
// Aircall and a second Zendesk account) and changes the status in all three at the same moment, several
// rounds. Every round must settle: the hub stops changing, every vendor shows the hub's final status,
// and the hub applied at most one change per vendor change (no ping-pong).
func TestThreeSystemsChangingAtOnceConverge(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	zd2 := e.connect(t, "zendesk-2", zendeskemu.New(zendeskemu.Options{}))
	user2 := zd2.em.AddUser("agent0@acme.example", "Agent 0")
	agent := e.must(t, "GET", "/agents/"+e.agents[0], nil)["agent"].(map[string]any)
	idents := append(agent["identities"].([]any), map[string]any{"connection_id": zd2.conn, "external_id": user2})
	e.must(t, "PATCH", "/agents/"+e.agents[0]+"?update_mask=identities", map[string]any{"identities": idents})
	e.must(t, "POST", "/rules", map[string]any{"name": "zendesk-2 two-way", "connection_id": zd2.conn,
		"inbound": []map[string]string{{"vendor_state": "online", "status": "available"}, {"vendor_state": "offline", "status": "offline"},
			{"vendor_state": "away", "status": "lunch"}, {"vendor_state": "transfers_only", "status": "busy"}},
		"outbound": []map[string]string{{"status": "available", "vendor_state": "online"}, {"status": "offline", "vendor_state": "offline"},
			{"status": "lunch", "vendor_state": "away"}, {"status": "busy", "vendor_state": "transfers_only"}},
	})
	zdOut := map[string]string{"available": "online", "offline": "offline", "lunch": "away", "busy": "transfers_only"}
	acOut := map[string]string{"available": "available", "offline": "unavailable", "lunch": "unavailable", "busy": "unavailable"}
	rounds := [][3]string{ // zendesk, aircall, zendesk-2
		{"away", "unavailable", "transfers_only"},
		{"online", "available", "away"},
		{"transfers_only", "unavailable", "online"},
		{"offline", "available", "transfers_only"},
		{"away", "unavailable", "online"},
	}
	for r, round := range rounds {
		before := len(e.applied(t, 0))
		var wg sync.WaitGroup
		for i, change := range []func() error{
			func() error { return e.zd.em.Change(e.users[e.zd][0], round[0]) },
			func() error { return e.ac.em.Change(e.users[e.ac][0], round[1]) },
			func() error { return zd2.em.Change(user2, round[2]) },
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := change(); err != nil {
					t.Errorf("round %d change %d: %v", r, i, err)
				}
			}()
		}
		wg.Wait()
		final := settle(t, e, zd2)
		if got := e.vendorState(e.zd, 0); got != zdOut[final] {
			t.Errorf("round %d: hub %s, zendesk %s; want %s", r, final, got, zdOut[final])
		}
		if got, _ := zd2.em.State(user2); got != zdOut[final] {
			t.Errorf("round %d: hub %s, zendesk-2 %s; want %s", r, final, got, zdOut[final])
		}
		if got := e.vendorState(e.ac, 0); got != acOut[final] {
			t.Errorf("round %d: hub %s, aircall %s; want %s", r, final, got, acOut[final])
		}
		if t.Failed() {
			got2, _ := zd2.em.State(user2)
			t.Fatalf("round %d: zendesk-2=%q %s", r, got2, e.explainAgent(t, 0, map[string]*vendorAccount{"zendesk": e.zd, "aircall": e.ac})())
		}
		if n := len(e.applied(t, 0)) - before; n > 3 {
			t.Errorf("round %d: %d changes applied for 3 vendor changes (oscillation): %v", r, n, e.applied(t, 0)[before:])
		}
	}
}

// held reports whether flow control holds a change of the first agent (it is applied when the rate
// allows, and moves the hub and the vendors again).
func held(t *testing.T, e *env) bool { return heldFor(t, e, 0) }

// heldFor reports whether flow control holds a change of the agent.
func heldFor(t *testing.T, e *env, agent int) bool {
	t.Helper()
	hs, err := e.h.App.Store.ListHeldChanges(context.Background(), time.Now().Add(time.Hour), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(hs, func(h *store.HeldChange) bool { return h.AgentID == e.agents[agent] })
}

// settle waits until the sync is at rest and returns the hub's status: no vendor write pending, every
// vendor's reports (the echoes of those writes among them) processed, no change held by flow control,
// and the hub's version unchanged meanwhile.
func settle(t *testing.T, e *env, extra ...*vendorAccount) string {
	t.Helper()
	vas := e.all(extra...)
	var status string
	testwait.Seen(t, 30*time.Second, "sync settles", func() (bool, string) {
		version := e.must(t, "GET", "/agents/"+e.agents[0]+"/presence", nil)["presence"].(map[string]any)["version"]
		// Reports first: a report still on its way can be held by flow control or queue writes.
		e.processed(t, vas...)
		if held(t, e) {
			return false, "a change flow control holds is still to be applied"
		}
		for _, va := range vas {
			if !noPending(t, e, va) {
				return false, va.em.Vendor() + " has writes pending"
			}
		}
		p := e.must(t, "GET", "/agents/"+e.agents[0]+"/presence", nil)["presence"].(map[string]any)
		status = p["status"].(string)
		if p["version"] != version {
			return false, fmt.Sprintf("the hub moved from version %v to %v (%s)", version, p["version"], status)
		}
		for _, va := range vas {
			if !noPending(t, e, va) {
				return false, va.em.Vendor() + " has writes pending"
			}
		}
		return true, ""
	})
	return status
}

package vendorsync_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

func TestVendorOutageDelaysWritesNeverDropsThem(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 2)
	e.applyTemplate(t, "both")
	e.zd.em.SetDown(true)
	// Agent 0 changes several times during the outage; agent 1 once.
	for _, s := range []string{"available", "lunch", "busy", "offline", "available"} {
		e.setPresence(t, 0, s)
	}
	e.setPresence(t, 1, "lunch")
	testwait.For(t, "aircall (up) written", func() bool {
		return e.vendorState(e.ac, 0) == "available" && e.vendorState(e.ac, 1) == "unavailable"
	})
	testwait.For(t, "failures visible in zendesk health", func() bool {
		h := e.must(t, "GET", "/connections/"+e.zd.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
		return h["error_count"] != "0" && h["pending_writes"] == "2" && strings.Contains(h["last_error"].(string), "503")
	})
	if s := e.vendorState(e.zd, 0); s != "offline" {
		t.Fatalf("zendesk changed to %q while down", s)
	}
	e.zd.em.SetDown(false)
	// The emulator records a call once its handler returns, after the state changed: wait for both, and
	// for the outbox to owe Zendesk nothing (no later write can come).
	testwait.For(t, "zendesk caught up after the outage", func() bool {
		return e.vendorState(e.zd, 0) == "online" && e.vendorState(e.zd, 1) == "away" &&
			len(successfulPuts(e.zd, e.users[e.zd][0])) > 0 && len(successfulPuts(e.zd, e.users[e.zd][1])) > 0 && noPending(t, e, e.zd)
	})
	// Only the latest status per agent was owed (older pending ones were superseded), each applied once.
	if puts := successfulPuts(e.zd, e.users[e.zd][0]); len(puts) != 1 {
		t.Errorf("zendesk accepted %d writes for agent 0: %v; want 1 (the latest)", len(puts), puts)
	}
	if puts := successfulPuts(e.zd, e.users[e.zd][1]); len(puts) != 1 {
		t.Errorf("zendesk accepted %d writes for agent 1: %v; want 1", len(puts), puts)
	}
	var states map[string]int
	testwait.For(t, "zendesk outbox: 2 delivered, 4 superseded", func() bool {
		states = map[string]int{}
		for _, w := range asList(e.must(t, "GET", "/connections/"+e.zd.conn+"/writes", nil)["writes"]) {
			states[w["state"].(string)]++
		}
		return states["delivered"] == 2 && states["superseded"] == 4 && len(states) == 2
	})
}

func TestWritesStayInOrderThroughRetries(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	tray := h.Dial(t, e.devices[0])
	tray.Next(5 * time.Second)
	// Each change waits until the vendor has it; between them the vendor fails a while.
	for _, step := range []struct{ status, want string }{{"lunch", "away"}, {"available", "online"}, {"busy", "transfers_only"}} {
		e.zd.em.SetDown(true)
		refused := refusedPuts(e.zd, e.users[e.zd][0])
		tray.SetStatus("r-"+step.status, step.status)
		testwait.For(t, "zendesk to refuse a few attempts", func() bool { return refusedPuts(e.zd, e.users[e.zd][0]) >= refused+2 })
		e.zd.em.SetDown(false)
		testwait.For(t, "zendesk "+step.want, func() bool { return e.vendorState(e.zd, 0) == step.want })
	}
	// The last call is recorded once its handler returns, after the state changed.
	var puts []string
	testwait.For(t, "zendesk's calls recorded", func() bool {
		puts = successfulPuts(e.zd, e.users[e.zd][0])
		return len(puts) >= 3 && noPending(t, e, e.zd)
	})
	want := []string{`"id":4`, `"id":3`, `"id":5`} // away, online, transfers only: in order, once each
	if len(puts) != len(want) {
		t.Fatalf("zendesk accepted %v; want 3 writes in order", puts)
	}
	for i := range want {
		if !strings.Contains(puts[i], want[i]) {
			t.Errorf("write %d = %s; want %s", i, puts[i], want[i])
		}
	}
}

func TestDeadLetteredWriteIsVisibleAndRetryable(t *testing.T) {
	h := hubtest.Start(t, fastRetries, func(c *config.Config) { c.Sync.MaxAttempts = 3 })
	e := newEnv(t, h, 1)
	e.applyTemplate(t, "both")
	// Wrong Aircall credentials: every attempt is refused, then the write is dead-lettered.
	good := e.ac.em.Credentials()
	bad := map[string]string{}
	for k, v := range good {
		bad[k] = v + "-revoked"
	}
	e.must(t, "PATCH", "/connections/"+e.ac.conn+"?update_mask=credentials", map[string]any{"credentials": bad})
	e.setPresence(t, 0, "lunch")
	var dead map[string]any
	testwait.For(t, "write dead-lettered", func() bool {
		list := asList(e.must(t, "GET", "/connections/"+e.ac.conn+"/writes?state=dead", nil)["writes"])
		if len(list) == 1 {
			dead = list[0]
		}
		return dead != nil
	})
	if dead["attempts"] != float64(3) || !strings.Contains(dead["last_error"].(string), "403") {
		t.Errorf("dead write %v; want 3 attempts and the vendor's 403", dead)
	}
	health := e.must(t, "GET", "/connections/"+e.ac.conn, nil)["connection"].(map[string]any)["health"].(map[string]any)
	if health["dead_writes"] != "1" {
		t.Errorf("health %v; want 1 dead write", health)
	}
	// Retrying only makes sense for dead writes.
	resp := h.Do(t, h.AdminKey, "POST", e.base+"/writes/wr_nope:retry", map[string]any{})
	if resp.Status != http.StatusNotFound {
		t.Errorf("retry of unknown write: %d; want 404", resp.Status)
	}
	// The admin fixes the credentials and retries: delivered.
	e.must(t, "PATCH", "/connections/"+e.ac.conn+"?update_mask=credentials", map[string]any{"credentials": good})
	e.must(t, "POST", "/writes/"+dead["id"].(string)+":retry", map[string]any{})
	testwait.For(t, "retried write delivered", func() bool { return e.vendorState(e.ac, 0) == "unavailable" })
	resp = h.Do(t, h.AdminKey, "POST", e.base+"/writes/"+dead["id"].(string)+":retry", map[string]any{})
	if resp.Status != http.StatusConflict {
		t.Errorf("retry of a delivered write: %d; want 409", resp.Status)
	}
}

// refusedPuts counts the state-setting requests an emulator refused for a user with a server error.
func refusedPuts(va *vendorAccount, user string) int {
	n := 0
	for _, c := range va.em.Calls() {
		if c.Method == http.MethodPut && c.Status >= 500 && containsUser(c.Path, user) {
			n++
		}
	}
	return n
}

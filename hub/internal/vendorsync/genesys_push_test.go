package vendorsync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/genesysemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// genesysCalls counts the requests the Genesys emulator took with that method and path ("": any path).
func genesysCalls(em *genesysemu.Emulator, method, path string) (n int) {
	for _, c := range em.Calls() {
		if c.Method == method && (path == "" || c.Path == path) {
			n++
		}
	}
	return n
}

// usersReads counts the Genesys emulator's full reads (user lists).
func usersReads(em *genesysemu.Emulator) int { return genesysCalls(em, "GET", "/api/v2/users") }

// Issue 23: a rule writes only presences Genesys lets the API set; a presence picked in Genesys reaches
// the hub over the notification channel — taken by the sync framework's poll without reading the users
// again — and the hub's status is written back to Genesys as a presence definition.
func TestGenesysChangesArePushed(t *testing.T) {
	h := hubtest.Start(t, pollQuickly)
	e := newEnv(t, h, 1)
	em := genesysemu.New(genesysemu.Options{RatePerMinute: unlimited})
	gc := e.connect(t, "genesys", em)
	user := e.linkUser(t, gc, 0)
	for _, bad := range []string{"interacting", "idle", "On Queue", "presence:", "presence:no-such-definition", "presence:" + genesysemu.Retired.ID} {
		out := []map[string]string{{"status": "available", "vendor_state": "on_queue"}, {"status": "busy", "vendor_state": bad}}
		resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{"name": "gc out", "connection_id": gc.conn, "outbound": out})
		wantField(t, "outbound "+bad, resp, http.StatusBadRequest, "outbound[1].vendor_state")
	}
	e.ruleFor(t, gc, "genesys", map[string]string{"available": "available", "meal": "lunch", "interacting": "on-call"},
		map[string]string{"available": "available", "lunch": "presence:" + genesysemu.Lunch.ID, "busy": "busy"})
	testwait.For(t, "the notification channel subscribed", func() bool {
		for _, id := range em.ChannelIDs() {
			for _, topic := range em.Topics(id) {
				if strings.Contains(topic, user) {
					return true
				}
			}
		}
		return false
	})
	// A ping is a poll served by the stream (it proves the events before it arrived): from then on
	// polls read no users (until the 10-minute resync).
	testwait.For(t, "polls served by the stream", func() bool { return em.Pings() > 0 })
	reads := usersReads(em)
	if err := em.Change(user, "meal"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the Genesys pick in the hub", func() bool { return e.status(t, 0) == "lunch" })
	if err := em.Change(user, "interacting"); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "the interaction in the hub", func() bool { return e.status(t, 0) == "on-call" })
	if err := em.EndInteraction(user); err != nil {
		t.Fatal(err)
	}
	testwait.For(t, "back to the pick after the interaction", func() bool { return e.status(t, 0) == "lunch" })
	if n := usersReads(em); n != reads {
		t.Errorf("%d user reads while the stream was live; want none (changes pushed)", n-reads)
	}
	e.setPresence(t, 0, "busy")
	testwait.Seen(t, testwait.Default, "the hub's status written to Genesys", func() (bool, string) {
		st, _ := em.State(user)
		var calls []string
		for _, c := range em.Calls() {
			if c.Method != "GET" {
				calls = append(calls, fmt.Sprintf("%s %s %d %s", c.Method, c.Path, c.Status, c.Body))
			}
		}
		return st == "busy", fmt.Sprintf("genesys %s; status %s; writes %v; calls %v; timeline %v", st, e.status(t, 0), e.writesFor(t, 0, gc), calls, e.timeline(t, 0))
	})
}

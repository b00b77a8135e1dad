package vendorsync_test

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/shared/testwait"
)

// A test that proves the hub did NOT do something (apply an echo, write a vendor) first proves that the
// hub has processed everything the vendors told it: processed changes a marker user — a vendor user
// linked to no agent — in each vendor account and waits until the hub has counted that change (as one
// for an unknown user, on /metrics). An emulator delivers its webhooks in order on one goroutine, the hub
// answers one only once it has applied it, and a poll reports the vendor's changes in time order after
// the previous poll's were applied: so once the marker's change is counted on every path the vendor
// reports by, every change the vendor made before it has been processed.

// markerStates are two states each vendor's emulator takes from its own UI, for flipping the marker.
var markerStates = map[string][2]string{
	"zendesk":    {"online", "away"},
	"aircall":    {"available", "unavailable"},
	"salesforce": {"Available_for_Chats", "On_Break"},
	"cxone":      {"Available", "Unavailable"},
	"servicenow": {"available", "away"},
	"talkdesk":   {"available", "offline"},
}

// pushes are the vendors whose changes reach the hub as webhooks (or ServiceNow's business rule).
var pushes = map[string]bool{"zendesk": true, "aircall": true, "servicenow": true}

// pollBaselines are, for the polled vendors, whether an emulator's calls show that the hub holds a
// poll cursor: a change made after that is reported by a later poll.
var pollBaselines = map[string]func([]emulator.Call) bool{
	"salesforce": incremental("SystemModstamp+%3E%3D"),
	"cxone":      incremental("updatedSince="),
	"servicenow": incremental("sys_updated_on%3E%3D"),
	// Talkdesk's poll lists the users, then compares each one's presence with the previous poll's: the
	// second list means the first poll's states (the marker's among them) are the cursor.
	"talkdesk": func(calls []emulator.Call) bool {
		n := 0
		for _, c := range calls {
			if c.Method == http.MethodGet && c.Path == "/users" && c.Status == http.StatusOK {
				n++
			}
		}
		return n >= 2
	},
}

func incremental(marker string) func([]emulator.Call) bool {
	return func(calls []emulator.Call) bool {
		for _, c := range calls {
			if c.Status == http.StatusOK && strings.Contains(c.Query, marker) {
				return true
			}
		}
		return false
	}
}

// addMarker adds the marker user to an emulator that has marker states ("" otherwise).
func addMarker(em emulator.Emulator) string {
	if _, ok := markerStates[em.Vendor()]; !ok {
		return ""
	}
	return em.AddUser("marker@vendor.example", "Marker User")
}

// processed waits until the hub has processed every change each vendor account made before the call.
func (e *env) processed(t testing.TB, vas ...*vendorAccount) {
	t.Helper()
	for _, va := range vas {
		vendor := va.em.Vendor()
		states, ok := markerStates[vendor]
		if !ok || va.marker == "" {
			t.Fatalf("processed: no marker user in the %s emulator", vendor)
		}
		pushed, polled := pushes[vendor] && !e.noHooks, pollBaselines[vendor] != nil
		if !pushed && !polled {
			t.Fatalf("processed: the hub hears nothing from %s (no webhooks, not polled)", vendor)
		}
		if polled {
			testwait.For(t, vendor+" polled past its baseline", func() bool { return pollBaselines[vendor](va.em.Calls()) })
		}
		metric := fmt.Sprintf(`presencehub_vendor_changes_total{outcome="unknown_user",vendor=%q}`, vendor)
		before, polledBefore := e.counter(t, metric), 0
		if polled {
			polledBefore = polls(t, va)
		}
		marker := va.marker
		if !polled {
			// Webhook deliveries are not replayable: a marker flipped back to an earlier state could send
			// a body the hub already had. A vendor heard only by webhooks gets a new marker user each time.
			va.markers++
			marker = va.em.AddUser(fmt.Sprintf("marker%d@vendor.example", va.markers), "Marker User")
		}
		cur, _ := va.em.State(marker)
		next := states[0]
		if cur == next {
			next = states[1]
		}
		if err := va.em.Change(marker, next); err != nil {
			t.Fatalf("changing the %s marker user: %v", vendor, err)
		}
		testwait.Seen(t, testwait.Default, "the hub to process "+vendor+"'s marker change", func() (bool, string) {
			n := e.counter(t, metric)
			return n > before, fmt.Sprintf("%s %d, was %d", metric, n, before)
		})
		if polled {
			// A vendor that both pushes and is polled reports a change once (the adapter drops the second
			// sighting), maybe pushed: wait for a poll made wholly after the marker's change to be
			// processed too. The next poll answered may have been read before the change; the one after
			// it was not, and the hub processed it before it asked again.
			testwait.Seen(t, testwait.Default, vendor+" polled past the marker's change", func() (bool, string) {
				n := polls(t, va)
				return n >= polledBefore+3, fmt.Sprintf("%d polls answered, was %d", n, polledBefore)
			})
		}
	}
}

// counter reads a counter from the hub's /metrics (0 when not exported yet).
func (e *env) counter(t testing.TB, series string) int {
	t.Helper()
	resp, err := http.Get(e.h.URL + "/metrics")
	if err != nil {
		t.Fatalf("reading /metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("/metrics: %s: %v", series, err)
			}
			return int(f)
		}
	}
	return 0
}

// writesSettled waits until none of agent's vendor writes is pending: each was delivered, superseded
// or given up.
func (e *env) writesSettled(t testing.TB, agent int) {
	t.Helper()
	testwait.Seen(t, 10*time.Second, "the agent's vendor writes to settle", func() (bool, string) {
		for _, en := range e.timeline(t, agent) {
			for _, w := range asList(en["writes"]) {
				if w["state"] == "pending" {
					return false, fmt.Sprintf("write to %v of %v pending (%v)", w["connection_id"], w["vendor_state"], w["last_error"])
				}
			}
		}
		return true, ""
	})
}

// all lists the env's vendor accounts and the others given.
func (e *env) all(more ...*vendorAccount) []*vendorAccount {
	return append([]*vendorAccount{e.zd, e.ac}, more...)
}

// pollRequests are, for the polled vendors, whether a call is one of the hub's polls (its first request).
var pollRequests = map[string]func(emulator.Call) bool{
	"salesforce": func(c emulator.Call) bool { return strings.Contains(c.Query, "UserServicePresence") },
	"cxone":      func(c emulator.Call) bool { return strings.HasSuffix(c.Path, "/agents/states") },
	"servicenow": func(c emulator.Call) bool { return c.Path == "/api/now/table/awa_agent_presence" },
	"talkdesk":   func(c emulator.Call) bool { return c.Path == "/users" },
}

// polls counts the polls a vendor account answered.
func polls(t testing.TB, va *vendorAccount) int {
	t.Helper()
	is := pollRequests[va.em.Vendor()]
	if is == nil {
		t.Fatalf("%s is not polled", va.em.Vendor())
	}
	n := 0
	for _, c := range va.em.Calls() {
		if c.Method == http.MethodGet && c.Status == http.StatusOK && is(c) {
			n++
		}
	}
	return n
}

// polledPast waits until a whole poll of the vendor account has run after the call, and the next one
// started: the hub's cursor then holds every user the account had and their states, so a change made
// now is reported (Talkdesk, for one, reports only users its previous poll saw).
func (e *env) polledPast(t testing.TB, va *vendorAccount) {
	t.Helper()
	// The poll answered next may have been read before the call; the one after it ran wholly after.
	n := polls(t, va)
	testwait.Seen(t, testwait.Default, va.em.Vendor()+" polled past now", func() (bool, string) {
		m := polls(t, va)
		return m >= n+3, fmt.Sprintf("%d polls answered, was %d", m, n)
	})
}

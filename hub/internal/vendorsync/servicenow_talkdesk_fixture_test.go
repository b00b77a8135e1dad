package vendorsync_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
)

// pollQuickly is fastRetries with polling every 50 ms (Talkdesk and ServiceNow are polled).
func pollQuickly(c *config.Config) {
	fastRetries(c)
	c.Sync.PollInterval = 50 * time.Millisecond
}

// unlimited is the request budget of a Talkdesk emulator polled as pollQuickly does (20 polls a second,
// each a read per user): the emulator's 600 a minute would run out within seconds of a long test, and
// every poll (all vendors' polls share one loop) would then wait out Talkdesk's Retry-After.
const unlimited = -1

// Talkdesk vocabulary of the emulator's custom Busy statuses.
var (
	tdLunch   = "busy:" + talkdeskemu.Lunch.ID
	tdMeeting = "busy:" + talkdeskemu.Meeting.ID
)

// dropWhenBusy is a Talkdesk account whose connection drops writes to Offline or On a Call agents.
type dropWhenBusy struct{ *talkdeskemu.Emulator }

func (d dropWhenBusy) Settings() map[string]string {
	s := d.Emulator.Settings()
	s["when_busy"] = "drop"
	return s
}

// linkUser adds agent i's person to va's emulator and links the hub agent to that user.
func (e *env) linkUser(t testing.TB, va *vendorAccount, i int) string {
	t.Helper()
	agent := e.must(t, "GET", "/agents/"+e.agents[i], nil)["agent"].(map[string]any)
	id := va.em.AddUser(agent["email"].(string), agent["email"].(string))
	for len(e.users[va]) <= i {
		e.users[va] = append(e.users[va], "")
	}
	e.users[va][i] = id
	idents := append(agent["identities"].([]any), map[string]any{"connection_id": va.conn, "external_id": id})
	e.must(t, "PATCH", "/agents/"+e.agents[i]+"?update_mask=identities", map[string]any{"identities": idents})
	return id
}

// ruleFor adds a rule for every agent on a connection: in maps vendor state → status, out status → vendor state.
func (e *env) ruleFor(t testing.TB, va *vendorAccount, name string, in, out map[string]string) string {
	t.Helper()
	inbound, outbound := []map[string]string{}, []map[string]string{}
	for _, k := range slices.Sorted(keysOf(in)) {
		inbound = append(inbound, map[string]string{"vendor_state": k, "status": in[k]})
	}
	for _, k := range slices.Sorted(keysOf(out)) {
		outbound = append(outbound, map[string]string{"status": k, "vendor_state": out[k]})
	}
	r := e.must(t, "POST", "/rules", map[string]any{"name": name, "connection_id": va.conn, "inbound": inbound, "outbound": outbound})
	return r["rule"].(map[string]any)["id"].(string)
}

func keysOf(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// writesFor lists the writes to a connection that agent i's timeline shows, oldest change first.
func (e *env) writesFor(t testing.TB, i int, va *vendorAccount) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, en := range e.timeline(t, i) {
		for _, w := range asList(en["writes"]) {
			if w["connection_id"] == va.conn {
				out = append(out, w)
			}
		}
	}
	return out
}

// newestWrite is the newest write to a connection in agent i's timeline (nil if none).
func (e *env) newestWrite(t testing.TB, i int, va *vendorAccount) map[string]any {
	ws := e.writesFor(t, i, va)
	if len(ws) == 0 {
		return nil
	}
	return ws[len(ws)-1]
}

// putsFor lists the bodies of the state writes an emulator received for a user (any outcome).
func putsFor(va *vendorAccount, user string) []string {
	var out []string
	for _, c := range va.em.Calls() {
		if c.Method == http.MethodPut && containsUser(c.Path, user) {
			out = append(out, c.Body)
		}
	}
	return out
}

// appliedFromConn counts agent i's applied changes whose source is the connection.
func (e *env) appliedFromConn(t testing.TB, i int, va *vendorAccount) int {
	n := 0
	for _, s := range e.applied(t, i) {
		if strings.HasSuffix(s, "<-"+va.conn) {
			n++
		}
	}
	return n
}

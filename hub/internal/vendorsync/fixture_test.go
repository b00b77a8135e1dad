package vendorsync_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// fastRetries makes failed vendor writes come back within tens of milliseconds.
func fastRetries(c *config.Config) {
	c.Sync.MinBackoff, c.Sync.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	c.Sync.DriftInterval = 0
}

// vendorAccount is one emulated vendor account wired to the hub as a connection.
type vendorAccount struct {
	em      emulator.Emulator
	srv     *httptest.Server
	conn    string
	marker  string // a user linked to no agent, for processed (none for vendors without markerStates)
	markers int    // marker users processed added since
}

// env is a tenant with a catalog, one team, agents linked on every connection, and emulators.
type env struct {
	h       *hubtest.Hub
	tenant  string
	base    string
	team    string
	zd, ac  *vendorAccount
	agents  []string
	users   map[*vendorAccount][]string // vendor user per agent, by account
	devices []string                    // device token per agent
	noHooks bool                        // the emulators notify nobody (changes only seen by reading back)
}

// withoutWebhooks makes vendor-side changes invisible until the hub reads them back.
func withoutWebhooks(e *env) { e.noHooks = true }

func newEnv(t testing.TB, h *hubtest.Hub, agents int, opts ...func(*env)) *env {
	t.Helper()
	e := &env{h: h, users: map[*vendorAccount][]string{}}
	for _, o := range opts {
		o(e)
	}
	e.tenant = h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", map[string]any{"name": "acme"})["tenant"].(map[string]any)["id"].(string)
	e.base = "/v1/tenants/" + e.tenant
	for i, st := range []map[string]any{
		{"name": "available", "display_name": "Available", "kind": "available"},
		{"name": "busy", "display_name": "Busy", "kind": "busy"},
		{"name": "lunch", "display_name": "Lunch", "kind": "away"},
		{"name": "offline", "display_name": "Offline", "kind": "offline"},
		{"name": "on-call", "display_name": "On a call", "kind": "system", "system_role": "on_call"},
		{"name": "acw", "display_name": "After call work", "kind": "system", "system_role": "after_call_work"},
	} {
		st["order"] = i
		h.Must(t, http.StatusOK, h.AdminKey, "POST", e.base+"/statuses", st)
	}
	e.team = e.must(t, "POST", "/teams", map[string]any{"name": "Support"})["team"].(map[string]any)["id"].(string)
	e.zd = e.connect(t, "zendesk", zendeskemu.New(zendeskemu.Options{}))
	e.ac = e.connect(t, "aircall", aircallemu.New(aircallemu.Options{}))
	for i := range agents {
		e.addAgent(t, fmt.Sprintf("agent%d@acme.example", i))
	}
	return e
}

func (e *env) must(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	return e.h.Must(t, http.StatusOK, e.h.AdminKey, method, e.base+path, body)
}

// connect serves an emulator and adds it to the tenant as a connection receiving its webhooks.
func (e *env) connect(t testing.TB, name string, em emulator.Emulator) *vendorAccount {
	t.Helper()
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	if c, ok := em.(interface{ Close() }); ok {
		t.Cleanup(c.Close)
	}
	marker := addMarker(em) // before the hub knows the account: in the first poll's baseline
	settings := map[string]string{"rate_limit_per_minute": "60000"}
	for k, v := range em.Settings() {
		settings[k] = v
	}
	body := map[string]any{"name": name, "vendor": em.Vendor(), "base_url": srv.URL, "settings": settings, "credentials": em.Credentials()}
	if c, ok := em.(emulator.Connector); ok {
		body["http_connector"] = json.RawMessage(c.ConnectorSpec())
	}
	c := e.must(t, "POST", "/connections", body)["connection"].(map[string]any)
	va := &vendorAccount{em: em, srv: srv, conn: c["id"].(string), marker: marker}
	if !e.noHooks {
		em.AddWebhook(e.h.URL + "/v1/webhooks/" + va.conn)
	}
	return va
}

// addAgent adds the person to every emulator and to the hub, linked on every connection, with a device.
func (e *env) addAgent(t testing.TB, email string) {
	t.Helper()
	var idents []map[string]any
	for _, va := range []*vendorAccount{e.zd, e.ac} {
		id := va.em.AddUser(email, email)
		e.users[va] = append(e.users[va], id)
		idents = append(idents, map[string]any{"connection_id": va.conn, "external_id": id})
	}
	a := e.must(t, "POST", "/agents", map[string]any{"email": email, "team_ids": []string{e.team}, "identities": idents})
	id := a["agent"].(map[string]any)["id"].(string)
	e.agents = append(e.agents, id)
	tok, _ := e.h.Pair(t, e.h.AdminKey, e.tenant, id, false)
	e.devices = append(e.devices, tok)
}

// applyTemplate maps Aircall and Zendesk with the seed-002 template in a direction.
func (e *env) applyTemplate(t testing.TB, direction string) {
	t.Helper()
	e.must(t, "POST", "/rules:applyTemplate", map[string]any{
		"template": "aircall-zendesk", "direction": direction,
		"connections": map[string]string{"aircall": e.ac.conn, "zendesk": e.zd.conn},
	})
}

func (e *env) status(t testing.TB, agent int) string {
	t.Helper()
	return e.must(t, "GET", "/agents/"+e.agents[agent]+"/presence", nil)["presence"].(map[string]any)["status"].(string)
}

func (e *env) setPresence(t testing.TB, agent int, status string) {
	t.Helper()
	e.must(t, "PUT", "/agents/"+e.agents[agent]+"/presence", map[string]any{"status": status})
}

// vendorState is an agent's state inside an emulator.
func (e *env) vendorState(va *vendorAccount, agent int) string {
	s, _ := va.em.State(e.users[va][agent])
	return s
}

// explained is testwait.Seen for a condition that cannot describe itself: explain's account of the
// state (it may be costly: it is asked only while cond does not hold) is what the failure shows.
func explained(t testing.TB, timeout time.Duration, what string, cond func() bool, explain func() string) {
	t.Helper()
	testwait.Seen(t, timeout, what, func() (bool, string) {
		if cond() {
			return true, ""
		}
		return false, explain()
	})
}

// timeline returns an agent's timeline entries, oldest first.
func (e *env) timeline(t testing.TB, agent int) []map[string]any {
	t.Helper()
	raw := e.must(t, "GET", "/agents/"+e.agents[agent]+"/timeline?page_size=500", nil)["entries"].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[len(raw)-1-i] = r.(map[string]any)
	}
	return out
}

// applied lists the statuses of the applied timeline entries, oldest first, with their sources.
func (e *env) applied(t testing.TB, agent int) []string {
	var out []string
	for _, en := range e.timeline(t, agent) {
		if en["outcome"] == "applied" {
			out = append(out, fmt.Sprintf("%s<-%s", en["status"], en["source_id"]))
		}
	}
	return out
}

// successfulPuts lists the state-setting requests an emulator accepted for a user.
func successfulPuts(va *vendorAccount, user string) []string {
	var out []string
	for _, c := range va.em.Calls() {
		if c.Method == http.MethodPut && c.Status < 300 && containsUser(c.Path, user) {
			out = append(out, c.Body)
		}
	}
	return out
}

func containsUser(path, user string) bool {
	return strings.HasSuffix(path, "/"+user) || strings.Contains(path, "/"+user+"/") || strings.Contains(path, "/"+user+".")
}

// explainAgent describes agent's state in each vendor and its timeline with the writes each change
// caused, for a failure message.
func (e *env) explainAgent(t testing.TB, agent int, vendors map[string]*vendorAccount) func() string {
	return func() string {
		var b strings.Builder
		for name, va := range vendors {
			fmt.Fprintf(&b, "%s=%q ", name, e.vendorState(va, agent))
		}
		for _, en := range e.timeline(t, agent) {
			fmt.Fprintf(&b, "\n  %v %v %v %v<-%v %v", en["create_time"], en["version"], en["outcome"], en["status"], en["source_id"], en["reason"])
			for _, w := range asList(en["writes"]) {
				fmt.Fprintf(&b, "\n    write %v %v %v attempts=%v %v", w["connection_id"], w["vendor_state"], w["state"], w["attempts"], w["last_error"])
			}
		}
		return b.String()
	}
}

package agentsync_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/shared/testwait"
)

// env is a tenant of a real hub, with connections to emulators served over real HTTP.
type env struct {
	h    *hubtest.Hub
	base string
}

func newEnv(t testing.TB, h *hubtest.Hub) *env {
	t.Helper()
	id := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", map[string]any{"name": "acme"})["tenant"].(map[string]any)["id"].(string)
	return &env{h: h, base: "/v1/tenants/" + id}
}

func (e *env) must(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	return e.h.Must(t, http.StatusOK, e.h.AdminKey, method, e.base+path, body)
}

// connect serves em and adds a connection to it with extra settings; it returns the connection id.
func (e *env) connect(t testing.TB, name string, em emulator.Emulator, settings map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	if c, ok := em.(interface{ Close() }); ok {
		t.Cleanup(c.Close)
	}
	all := map[string]string{"rate_limit_per_minute": "60000"}
	maps.Copy(all, em.Settings())
	maps.Copy(all, settings)
	body := map[string]any{"name": name, "vendor": em.Vendor(), "base_url": srv.URL, "settings": all, "credentials": em.Credentials()}
	if c, ok := em.(emulator.Connector); ok {
		body["http_connector"] = json.RawMessage(c.ConnectorSpec())
	}
	return e.must(t, "POST", "/connections", body)["connection"].(map[string]any)["id"].(string)
}

// addAgent adds an agent with identities given as connection id -> external id (pinned when the id
// starts with "!"); it returns the agent's id.
func (e *env) addAgent(t testing.TB, email string, links map[string]string) string {
	t.Helper()
	var idents []map[string]any
	for conn, ext := range links {
		pinned := ext[0] == '!'
		if pinned {
			ext = ext[1:]
		}
		idents = append(idents, map[string]any{"connection_id": conn, "external_id": ext, "pinned": pinned})
	}
	return e.must(t, "POST", "/agents", map[string]any{"email": email, "identities": idents})["agent"].(map[string]any)["id"].(string)
}

// links returns each agent's external id on a connection, by agent email ("!" marks pinned links).
func (e *env) links(t testing.TB, conn string) map[string]string {
	t.Helper()
	out := map[string]string{}
	token := ""
	for {
		resp := e.must(t, "GET", "/agents?page_size=500&page_token="+token, nil)
		for _, a := range resp["agents"].([]any) {
			a := a.(map[string]any)
			ids, _ := a["identities"].([]any)
			for _, id := range ids {
				id := id.(map[string]any)
				if id["connection_id"] == conn {
					ext := id["external_id"].(string)
					if id["pinned"] == true {
						ext = "!" + ext
					}
					out[a["email"].(string)] = ext
				}
			}
		}
		if token, _ = resp["next_page_token"].(string); token == "" {
			return out
		}
	}
}

// startSync starts a run and returns its id.
func (e *env) startSync(t testing.TB, conn string) string {
	t.Helper()
	return e.must(t, "POST", "/connections/"+conn+"/sync-runs", map[string]any{})["sync_run"].(map[string]any)["id"].(string)
}

// waitSync waits for a run to end and returns it.
func (e *env) waitSync(t testing.TB, conn, run string, timeout time.Duration) map[string]any {
	t.Helper()
	var r map[string]any
	testwait.Seen(t, timeout, "sync run "+run+" to end", func() (bool, string) {
		r = e.must(t, "GET", "/connections/"+conn+"/sync-runs/"+run, nil)["sync_run"].(map[string]any)
		return r["state"] != "running", fmt.Sprint(r)
	})
	return r
}

// syncNow runs a sync to its end and returns its report, failing unless it succeeded.
func (e *env) syncNow(t testing.TB, conn string) map[string]any {
	t.Helper()
	r := e.waitSync(t, conn, e.startSync(t, conn), 60*time.Second)
	if r["state"] != "succeeded" {
		t.Fatalf("sync run ended %v: %v", r["state"], r["error"])
	}
	return r["report"].(map[string]any)
}

// num reads a report's counter (absent = 0; int64 fields arrive as JSON strings).
func num(rep map[string]any, key string) int {
	var n int
	if v, ok := rep[key]; ok {
		fmt.Sscan(fmt.Sprint(v), &n)
	}
	return n
}

// counts renders a report's counters (absent = 0) for exact comparison.
func counts(rep map[string]any) string {
	n := func(k string) string {
		if v, ok := rep[k]; ok {
			return fmt.Sprint(v)
		}
		return "0"
	}
	return fmt.Sprintf("users=%s matched=%s unchanged=%s linked=%s relinked=%s pinned=%s created=%s unmatched_vendor=%s unmatched_hub=%s conflicts=%s errors=%s",
		n("users"), n("matched"), n("unchanged"), n("linked"), n("relinked"), n("pinned"), n("created"), n("unmatched_vendor"),
		n("unmatched_hub"), n("conflicts"), n("errors"))
}

package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/shared/testwait"
)

func TestConnectionPageEditsTestsAndSyncsAgents(t *testing.T) {
	f := newFixture(t)
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	em.AddUser("ann@acme.test", "Ann")
	base := "/v1/tenants/" + f.tenant
	f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/agents", map[string]any{"email": "ann@acme.test", "display_name": "Ann"})
	creds := em.Credentials()
	conn := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/connections", map[string]any{
		"name": "calls", "vendor": "aircall", "base_url": srv.URL, "credentials": creds,
		"settings": map[string]string{"agent_sync_interval": "24h"}})["connection"].(map[string]any)["id"].(string)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	path := "/console/connections/" + conn
	pg := b.get(path)
	if pg.status != http.StatusOK || !strings.Contains(pg.body, `id="vendor-states"`) || !strings.Contains(pg.body, `name="set.agent_sync_interval" value="24h"`) {
		t.Fatalf("connection page: %d\n%s", pg.status, pg.body)
	}
	for _, secret := range creds {
		if strings.Contains(pg.body, secret) {
			t.Fatalf("the page shows a stored credential")
		}
	}
	if p := b.post(path+"/test", url.Values{"csrf": {b.csrf}}); !strings.Contains(p.body, "Test passed") {
		t.Fatalf("test connection: %d\n%s", p.status, p.body)
	}

	// A name another connection has is refused beside the field; a rename with new settings is saved.
	f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/connections", map[string]any{"name": "taken", "vendor": "aircall", "base_url": srv.URL, "credentials": creds})
	form := url.Values{"csrf": {b.csrf}, "name": {"taken"}, "base_url": {srv.URL}, "enabled": {"on"},
		"set.agent_sync_interval": {""}, "new_key": {"agent_sync_create_missing"}, "new_value": {"true"}}
	if bad := b.post(path, form); bad.status/100 == 2 || bad.status == http.StatusSeeOther || bad.status >= 500 {
		t.Fatalf("duplicate name: %d\n%s", bad.status, bad.body)
	}
	form.Set("name", "phones")
	form.Set("base_url", "http://127.0.0.2:9")
	if bad := b.post(path, form); bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="e-cred-err"`) || !strings.Contains(bad.body, `value="http://127.0.0.2:9"`) {
		t.Fatalf("a moved base URL without credentials: %d\n%s", bad.status, bad.body)
	}
	form.Set("base_url", srv.URL)
	if ok := b.post(path, form); ok.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", ok.status, ok.body)
	}
	got := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/connections/"+conn, nil)["connection"].(map[string]any)
	if got["name"] != "phones" || got["settings"].(map[string]any)["agent_sync_create_missing"] != "true" || got["settings"].(map[string]any)["agent_sync_interval"] != nil {
		t.Fatalf("after the edit: %v", got)
	}

	// Agent sync: start a run, follow it to its report.
	start := b.post(path+"/sync-runs", url.Values{"csrf": {b.csrf}})
	m := regexp.MustCompile(`^/console/connections/[^/]+/sync-runs/([^?]+)`).FindStringSubmatch(start.location)
	if start.status != http.StatusSeeOther || m == nil {
		t.Fatalf("start sync: %d %q\n%s", start.status, start.location, start.body)
	}
	var run page
	testwait.Seen(t, 30*time.Second, "the sync run to end", func() (bool, string) {
		run = b.get(strings.SplitN(start.location, "?", 2)[0])
		return !strings.Contains(run.body, `id="run-state">running`), run.body
	})
	if !strings.Contains(run.body, `id="run-state">succeeded`) || !regexp.MustCompile(`Newly linked</th><td>1<`).MatchString(run.body) {
		t.Fatalf("run page:\n%s", run.body)
	}
	if p := b.get(path); !strings.Contains(p.body, `id="sync-runs"`) || !strings.Contains(p.body, m[1]) {
		t.Fatalf("the connection page does not list the run:\n%s", p.body)
	}

	v := newBrowser(t, f.hub.URL)
	v.signIn(f.viewer)
	if p := v.get(path); p.status != http.StatusOK || strings.Contains(p.body, `id="save-connection"`) || strings.Contains(p.body, `id="start-sync"`) {
		t.Fatalf("viewer's connection page: %d\n%s", p.status, p.body)
	}
	if p := v.post(path+"/sync-runs", url.Values{"csrf": {v.csrf}}); p.status != http.StatusForbidden {
		t.Fatalf("a viewer started a sync: %d", p.status)
	}
}

// TestReplacedCredentialsFailTheConnectionTest: credentials replaced from the edit form reach the
// vendor (Zendesk's states come from the vendor; Aircall's and Teams' are a fixed list, so for them
// the test proves nothing).
func TestReplacedCredentialsFailTheConnectionTest(t *testing.T) {
	f := newFixture(t)
	em := zendeskemu.New(zendeskemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	creds := em.Credentials()
	conn := f.hub.Must(t, http.StatusOK, f.admin, "POST", "/v1/tenants/"+f.tenant+"/connections", map[string]any{
		"name": "desk", "vendor": "zendesk", "base_url": srv.URL, "credentials": creds})["connection"].(map[string]any)["id"].(string)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	path := "/console/connections/" + conn
	b.get(path)
	if p := b.post(path+"/test", url.Values{"csrf": {b.csrf}}); !strings.Contains(p.body, "Test passed") {
		t.Fatalf("test connection: %d\n%s", p.status, p.body)
	}
	form := url.Values{"csrf": {b.csrf}, "name": {"desk"}, "base_url": {srv.URL}, "enabled": {"on"}, "replace_credentials": {"on"}}
	for k := range creds {
		form.Set("cred."+k, "wrong-secret")
	}
	if ok := b.post(path, form); ok.status != http.StatusSeeOther {
		t.Fatalf("replace credentials: %d\n%s", ok.status, ok.body)
	}
	p := b.post(path+"/test", url.Values{"csrf": {b.csrf}})
	if !strings.Contains(p.body, "Test failed") || strings.Contains(p.body, "wrong-secret") {
		t.Fatalf("test with wrong credentials: %d\n%s", p.status, p.body)
	}
}

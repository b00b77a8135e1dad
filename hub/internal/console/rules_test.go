package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/aircallemu"
)

// aircallConnection connects the fixture's tenant to an Aircall emulator through the API and adds two
// catalog statuses; it returns the connection's id.
func aircallConnection(t *testing.T, f *fixture) string {
	t.Helper()
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	base := "/v1/tenants/" + f.tenant
	for _, st := range []map[string]any{{"name": "t-ready", "display_name": "Ready", "kind": "available"},
		{"name": "t-away", "display_name": "Away", "kind": "away"}} {
		f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/statuses", st)
	}
	c := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/connections", map[string]any{
		"name": "calls", "vendor": "aircall", "base_url": srv.URL, "credentials": em.Credentials()})
	return c["connection"].(map[string]any)["id"].(string)
}

func TestRuleEditorUpdatesThroughTheAPIAndShowsRowErrors(t *testing.T) {
	f := newFixture(t)
	conn := aircallConnection(t, f)
	base := "/v1/tenants/" + f.tenant
	r := f.hub.Must(t, http.StatusOK, f.admin, "POST", base+"/rules", map[string]any{"name": "calls-map", "connection_id": conn,
		"inbound": []map[string]any{{"vendor_state": "available", "status": "t-ready"}}})["rule"].(map[string]any)
	id := r["id"].(string)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	page := b.get("/console/rules/" + id)
	if !strings.Contains(page.body, `value="available"`) || !strings.Contains(page.body, "reported only, cannot be set") {
		t.Fatalf("editor lacks the rule's row or the vendor's non-settable states:\n%s", page.body)
	}
	form := url.Values{"csrf": {b.csrf}, "name": {"calls-map"}, "connection_id": {conn}, "rows": {"2"},
		"row.0.status": {"t-ready"}, "row.0.dir": {"both"}, "row.0.state": {"available"},
		"row.1.status": {"t-away"}, "row.1.dir": {"outbound"}, "row.1.state": {"in_call"}}
	bad := b.post("/console/rules/"+id, form)
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `id="row-1-err"`) || strings.Contains(bad.body, `id="row-0-err"`) {
		t.Fatalf("invalid row: %d\n%s", bad.status, bad.body)
	}
	form.Set("row.1.state", "unavailable")
	ok := b.post("/console/rules/"+id, form)
	if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, "/console/rules/"+id) {
		t.Fatalf("valid save: %d %q\n%s", ok.status, ok.location, ok.body)
	}
	got := f.hub.Must(t, http.StatusOK, f.admin, "GET", base+"/rules/"+id, nil)["rule"].(map[string]any)
	if len(got["inbound"].([]any)) != 1 || len(got["outbound"].([]any)) != 2 {
		t.Fatalf("rule after the edit: inbound %v outbound %v", got["inbound"], got["outbound"])
	}
}

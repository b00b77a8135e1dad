package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestViewerSeesNoWriteControlsAndCannotWrite(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.viewer)
	o := b.get("/console/overview")
	if !strings.Contains(o.body, "viewer · read-only") {
		t.Errorf("overview does not say read-only:\n%s", o.body)
	}
	c := b.get("/console/connections?vendor=aircall")
	for _, control := range []string{`id="create-connection"`, "Add a connection", "New rule"} {
		if strings.Contains(c.body, control) {
			t.Errorf("viewer shown %s", control)
		}
	}
	// Posting anyway: the API refuses, nothing is created.
	p := b.post("/console/connections", url.Values{"csrf": {b.csrf}, "vendor": {"aircall"}, "name": {"calls"},
		"base_url": {"http://127.0.0.1:1"}, "cred.api_id": {"a"}, "cred.api_token": {"b"}})
	if p.status != http.StatusForbidden {
		t.Fatalf("viewer creating a connection: %d %s", p.status, p.body)
	}
	list := f.hub.Must(t, http.StatusOK, f.admin, "GET", "/v1/tenants/"+f.tenant+"/connections", nil)
	if n := len(list["connections"].([]any)); n != 0 {
		t.Fatalf("viewer created %d connections", n)
	}
	r := b.post("/console/rules", url.Values{"csrf": {b.csrf}, "name": {"r"}, "connection_id": {"x"}, "rows": {"0"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("viewer creating a rule: %d %s", r.status, r.body)
	}
}

func TestViewerSeesTheRuleEditorReadOnly(t *testing.T) {
	f := newFixture(t)
	conn := aircallConnection(t, f)
	r := f.hub.Must(t, http.StatusOK, f.admin, "POST", "/v1/tenants/"+f.tenant+"/rules", map[string]any{"name": "calls-map",
		"connection_id": conn, "inbound": []map[string]any{{"vendor_state": "available", "status": "t-ready"}}})["rule"].(map[string]any)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.viewer)
	p := b.get("/console/rules/" + r["id"].(string))
	if p.status != http.StatusOK || !strings.Contains(p.body, `value="available"`) {
		t.Fatalf("viewer's editor: %d\n%s", p.status, p.body)
	}
	if strings.Contains(p.body, `id="save-rule"`) || strings.Contains(p.body, `id="row-1-status"`) {
		t.Error("viewer shown the save button or blank rows")
	}
	if !strings.Contains(p.body, `id="row-0-state" name="row.0.state" list="vendor-states" value="available" readonly`) {
		t.Error("viewer's row is editable")
	}
	if l := b.get("/console/rules"); strings.Contains(l.body, "Open the editor") {
		t.Error("viewer offered a new rule")
	}
}

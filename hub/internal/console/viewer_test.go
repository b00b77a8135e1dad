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

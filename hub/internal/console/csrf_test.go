package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestStateChangesNeedTheCSRFToken(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	good := b.csrf
	form := func(tok string) url.Values {
		return url.Values{"csrf": {tok}, "vendor": {"aircall"}, "name": {"calls"}, "base_url": {"http://127.0.0.1:1"}}
	}
	for name, p := range map[string]page{
		"no token":           b.post("/console/connections", form("")),
		"wrong token":        b.post("/console/connections", form(good+"x")),
		"other site":         b.post("/console/connections", form(good), "Origin", "https://evil.example"),
		"cross-site fetch":   b.post("/console/connections", form(good), "Sec-Fetch-Site", "cross-site"),
		"sign-out, no token": b.post("/console/sign-out", url.Values{}),
	} {
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "CSRF") {
			t.Errorf("%s: %d %s", name, p.status, p.body)
		}
	}
	list := f.hub.Must(t, http.StatusOK, f.admin, "GET", "/v1/tenants/"+f.tenant+"/connections", nil)
	if n := len(list["connections"].([]any)); n != 0 {
		t.Fatalf("%d connections created by refused requests", n)
	}
	// The header works as well as the field (htmx sends it).
	if p := b.post("/console/connections", form(""), "X-CSRF-Token", good); p.status != http.StatusOK {
		t.Fatalf("with the header: %d %s", p.status, p.body)
	}
	// The session is still alive after the refusals.
	if o := b.get("/console/overview"); o.status != http.StatusOK {
		t.Fatalf("overview: %d", o.status)
	}
}

func TestSignInNeedsItsFormToken(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL) // never fetched the form: no sign-in cookie
	p := b.post("/console/sign-in", url.Values{"csrf": {"guess"}, "key": {f.admin}})
	if p.status != http.StatusForbidden {
		t.Fatalf("sign-in without the form's token: %d %s", p.status, p.body)
	}
}

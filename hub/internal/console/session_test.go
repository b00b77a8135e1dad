package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignInSetsAStrictHttpOnlyCookie(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	p := b.signIn(f.admin)
	var found bool
	for _, line := range p.header.Values("Set-Cookie") {
		if !strings.HasPrefix(line, "ph_console=") {
			continue
		}
		found = true
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/console"} {
			if !strings.Contains(line, want) {
				t.Errorf("session cookie %q lacks %s", line, want)
			}
		}
		if strings.Contains(line, "Secure") {
			t.Errorf("session cookie %q is Secure on a plaintext hub (the browser would drop it)", line)
		}
		if strings.Contains(line, f.admin) {
			t.Errorf("session cookie carries the API key: %q", line)
		}
	}
	if !found {
		t.Fatalf("no session cookie in %v", p.header.Values("Set-Cookie"))
	}
}

func TestUnknownKeyIsRefused(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	b.get("/console/sign-in")
	p := b.post("/console/sign-in", url.Values{"csrf": {b.csrf}, "key": {"phk_not_a_key"}})
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "does not know this API key") {
		t.Fatalf("unknown key: %d %s", p.status, p.body)
	}
	if o := b.get("/console/overview"); o.status != http.StatusSeeOther || o.location != "/console/sign-in" {
		t.Fatalf("overview without a session: %d to %q", o.status, o.location)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.admin)
	cookies := b.c.Jar.Cookies(mustURL(t, f.hub.URL+"/console/"))
	if p := b.post("/console/sign-out", url.Values{"csrf": {b.csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d %s", p.status, p.body)
	}
	// The old cookie, replayed, no longer opens anything.
	replay := newBrowser(t, f.hub.URL)
	replay.c.Jar.SetCookies(mustURL(t, f.hub.URL+"/console/"), cookies)
	if o := replay.get("/console/overview"); o.status != http.StatusSeeOther || o.location != "/console/sign-in" {
		t.Fatalf("overview with a signed-out cookie: %d to %q", o.status, o.location)
	}
}

func TestHubWideKeySwitchesTenants(t *testing.T) {
	f := newFixture(t)
	other := f.hub.Must(t, http.StatusOK, f.hub.AdminKey, "POST", "/v1/tenants", map[string]any{"name": "globex"})["tenant"].(map[string]any)
	b := newBrowser(t, f.hub.URL)
	b.signIn(f.hub.AdminKey)
	if o := b.get("/console/overview"); !strings.Contains(o.body, `id="tenant-switch"`) || !strings.Contains(o.body, "globex") {
		t.Fatalf("no tenant switcher for a hub-wide key:\n%s", o.body)
	}
	p := b.post("/console/tenant", url.Values{"csrf": {b.csrf}, "tenant": {other["id"].(string)}, "back": {"/console/connections"}})
	if p.status != http.StatusSeeOther || p.location != "/console/connections" {
		t.Fatalf("switch: %d to %q: %s", p.status, p.location, p.body)
	}
	if o := b.get("/console/overview"); !strings.Contains(o.body, `value="`+other["id"].(string)+`" selected`) {
		t.Fatalf("switched tenant not selected:\n%s", o.body)
	}
	// A tenant key has no switcher and cannot switch.
	tb := newBrowser(t, f.hub.URL)
	tb.signIn(f.admin)
	if o := tb.get("/console/overview"); strings.Contains(o.body, `id="tenant-switch"`) {
		t.Fatal("tenant key shown a tenant switcher")
	}
	if p := tb.post("/console/tenant", url.Values{"csrf": {tb.csrf}, "tenant": {other["id"].(string)}}); p.status != http.StatusForbidden {
		t.Fatalf("tenant key switching tenants: %d", p.status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

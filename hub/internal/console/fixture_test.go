package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// fixture is a real hub with one tenant ("acme") and its keys.
type fixture struct {
	hub    *hubtest.Hub
	tenant string // id
	admin  string // tenant admin key
	viewer string // tenant viewer key
}

func newFixture(t testing.TB, opts ...hubtest.Option) *fixture {
	t.Helper()
	h := hubtest.Start(t, opts...)
	ten := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", map[string]any{"name": "acme"})["tenant"].(map[string]any)
	f := &fixture{hub: h, tenant: ten["id"].(string)}
	base := "/v1/tenants/" + f.tenant
	f.admin = h.Must(t, http.StatusOK, h.AdminKey, "POST", base+"/api-keys", map[string]any{"name": "ops", "role": "admin"})["secret"].(string)
	f.viewer = h.Must(t, http.StatusOK, h.AdminKey, "POST", base+"/api-keys", map[string]any{"name": "look", "role": "viewer"})["secret"].(string)
	return f
}

// browser is a cookie-keeping client that does not follow redirects (tests look at them).
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string // the last CSRF token a page carried
}

func newBrowser(t testing.TB, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfInPage = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// page is one answer.
type page struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfInPage.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw), header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.send(req)
}

// post sends a form; headers are name, value pairs.
func (b *browser) post(path string, form url.Values, headers ...string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

// signIn signs in with key and expects the overview.
func (b *browser) signIn(key string) page {
	b.t.Helper()
	b.get("/console/sign-in")
	p := b.post("/console/sign-in", url.Values{"csrf": {b.csrf}, "key": {key}})
	if p.status != http.StatusSeeOther || p.location != "/console/overview" {
		b.t.Fatalf("sign-in: %d to %q: %s", p.status, p.location, p.body)
	}
	if o := b.get("/console/overview"); o.status != http.StatusOK {
		b.t.Fatalf("overview after sign-in: %d %s", o.status, o.body)
	}
	return p
}

package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/clock"
)

// signedIn signs a tenant admin in to a console over a stub API and returns its session cookie.
func signedIn(t *testing.T, c *Console) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/console/sign-in", nil))
	pre := rec.Result().Cookies()[0]
	tok := csrfOf(t, rec.Body.String())
	req := httptest.NewRequest(http.MethodPost, "/console/sign-in", strings.NewReader(url.Values{"csrf": {tok}, "key": {"k"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(pre)
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatalf("no session cookie: %d %s", rec.Code, rec.Body)
	return nil
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `name="csrf" value="`)
	if !ok {
		t.Fatalf("no CSRF token in %s", body)
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}

func stubConsole(t *testing.T, clk clock.Clock, secure bool) *Console {
	t.Helper()
	c, err := New(Options{API: http.NotFoundHandler(), Clock: clk, Secure: secure, IdleTimeout: 10 * time.Minute,
		Identify: func(context.Context, string) (Identity, error) { return Identity{TenantID: "t1", Role: "viewer"}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIdleSessionEnds(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	c := stubConsole(t, clk, false)
	ck := signedIn(t, c)
	open := func() int {
		req := httptest.NewRequest(http.MethodGet, "/console/overview", nil)
		req.AddCookie(ck)
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		return rec.Code
	}
	clk.Advance(9 * time.Minute)
	if code := open(); code != http.StatusOK {
		t.Fatalf("after 9 idle minutes: %d", code)
	}
	clk.Advance(9 * time.Minute) // used a moment ago: the idle time starts again
	if code := open(); code != http.StatusOK {
		t.Fatalf("9 minutes after the last use: %d", code)
	}
	clk.Advance(10*time.Minute + time.Second)
	if code := open(); code != http.StatusSeeOther {
		t.Fatalf("after the idle timeout: %d, want a redirect to sign-in", code)
	}
}

func TestCookieIsSecureOverTLS(t *testing.T) {
	c := stubConsole(t, clock.NewFake(time.Now()), true)
	ck := signedIn(t, c)
	if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie over TLS: secure %v httpOnly %v sameSite %v", ck.Secure, ck.HttpOnly, ck.SameSite)
	}
}

package httpconn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/httpconn"
)

// start serves a punch-clock account with n users and builds the connector from spec (edited by edit).
func start(t *testing.T, n int, spec string, edit func(*httpconn.Spec)) (*punchclockemu.Emulator, vendorapi.Adapter, []string) {
	t.Helper()
	em := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	var ids []string
	for i := range n {
		ids = append(ids, em.AddUser(fmt.Sprintf("user%03d@acme.example", i), fmt.Sprintf("User %d", i)))
	}
	if edit != nil {
		s, err := httpconn.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		edit(s)
		b, _ := json.Marshal(s)
		spec = string(b)
	}
	a, err := httpconn.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), Spec: spec, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return em, a, ids
}

// all reads every page and returns the users and the number of pages.
func all(t *testing.T, a vendorapi.Adapter) ([]vendorapi.User, int) {
	t.Helper()
	var users []vendorapi.User
	cursor, pages := "", 0
	for {
		page, next, err := a.ListUsers(context.Background(), cursor)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		users, pages = append(users, page...), pages+1
		if next == "" {
			return users, pages
		}
		if pages > 100 {
			t.Fatal("no end")
		}
		cursor = next
	}
}

// TestUsersAcrossPages reads 120 users (pages of 50) from users/formatted and users/not-formatted (keys
// mapped by JSON path), paging by number until the count reaches the total, and by next link (from the
// body, then from the Link header).
func TestUsersAcrossPages(t *testing.T) {
	for _, tc := range []struct {
		name      string
		formatted bool
		edit      func(*httpconn.Spec)
	}{
		{"formatted, page", true, nil},
		{"not formatted, page", false, nil},
		{"not formatted, next link in the body", false, func(s *httpconn.Spec) {
			s.ListUsers.Pagination, s.ListUsers.NextPath, s.ListUsers.Request.URL = httpconn.NextLinkPaging, "next", "/users/not-formatted"
		}},
		{"formatted, Link header", true, func(s *httpconn.Spec) {
			s.ListUsers.Pagination, s.ListUsers.Request.URL, s.ListUsers.TotalPath = httpconn.NextLinkPaging, "/users/formatted?per_page=40", ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a, ids := start(t, 120, punchclockemu.ConnectorSpec(tc.formatted), tc.edit)
			users, pages := all(t, a)
			if len(users) != 120 || pages != 3 { // 50+50+20, or 40+40+40
				t.Fatalf("%d users in %d pages", len(users), pages)
			}
			for i, u := range users {
				if u.ExternalID != ids[i] || u.Email != fmt.Sprintf("user%03d@acme.example", i) || u.Name != fmt.Sprintf("User %d", i) {
					t.Fatalf("user %d mapped as %+v", i, u)
				}
			}
		})
	}
}

// TestNextLinkStaysOnTheHost refuses a next link to another host: credentials go only where the
// connection points.
func TestNextLinkStaysOnTheHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"users":[{"id":"1","email":"a@x.example"}],"next":"https://elsewhere.example/users?page=2"}`)
	}))
	defer srv.Close()
	spec := `{"list_users":{"request":{"method":"GET","url":"/users"},"pagination":"next_link","users_path":"users","id_path":"id","email_path":"email","next_path":"next"}}`
	a, err := httpconn.New(vendorapi.Config{BaseURL: srv.URL, Spec: spec, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.ListUsers(context.Background(), ""); !errors.Is(err, vendorapi.ErrBadAnswer) || !vendorapi.Permanent(err) {
		t.Fatalf("next link to another host: %v", err)
	}
}

// TestPunchClockAction punches the user in and out with its external id; a state the connector does
// not list is refused without a request.
func TestPunchClockAction(t *testing.T) {
	em, a, ids := start(t, 2, punchclockemu.ConnectorSpec(false), nil)
	ctx := context.Background()
	for _, st := range []string{"in", "out"} {
		if err := a.SetState(ctx, ids[1], st); err != nil {
			t.Fatalf("punch %s: %v", st, err)
		}
	}
	calls := len(em.Calls())
	if err := a.SetState(ctx, ids[1], "lunch"); !errors.Is(err, vendorapi.ErrNotSettable) || len(em.Calls()) != calls {
		t.Fatalf("unknown state: %v, %d requests", err, len(em.Calls())-calls)
	}
	punches, _ := em.Punches(ids[1])
	if len(punches) != 2 || punches[0].Action != "in" || punches[1].Action != "out" {
		t.Fatalf("punches %+v", punches)
	}
	if p, _ := em.Punches(ids[0]); len(p) != 0 {
		t.Fatalf("the other user was punched: %+v", p)
	}
	if err := a.SetState(ctx, "pc-404", "in"); !vendorapi.Permanent(err) {
		t.Fatalf("unknown user: %v", err)
	}
}

// TestTemplatesEscapeValues escapes variables per place: path segments, query values, JSON strings.
func TestTemplatesEscapeValues(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b := make([]byte, 1000)
		n, _ := r.Body.Read(b)
		body = string(b[:n])
	}))
	defer srv.Close()
	spec := `{"actions":[{"name":"a","event":"status_change","request":{"method":"POST","url":"/u/{{external_id}}?s={{status}}","headers":{"X-Who":"{{email}}"},"body":"{\"s\":\"{{status}}\"}"}}]}`
	a, err := httpconn.New(vendorapi.Config{BaseURL: srv.URL + "/base/", Spec: spec, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetState(vendorapi.WithAgentEmail(context.Background(), "ann@x.example"), "a/b c", `say "hi"&x=1`); err != nil {
		t.Fatal(err)
	}
	if got.URL.EscapedPath() != "/base/u/a%2Fb%20c" || got.URL.Query().Get("s") != `say "hi"&x=1` || got.Header.Get("X-Who") != "ann@x.example" {
		t.Fatalf("request %s %v", got.URL, got.Header)
	}
	var decoded map[string]string
	if err := json.Unmarshal([]byte(body), &decoded); err != nil || decoded["s"] != `say "hi"&x=1` || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("body %q: %v", body, err)
	}
}

// TestCredentialsNeverInErrorsOrDryRuns puts the token in a query and has the vendor echo it back in
// a refusal: neither the error nor the dry run shows it.
func TestCredentialsNeverInErrorsOrDryRuns(t *testing.T) {
	const token = "s3cret-token-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"bad key %s in %s"}`, r.URL.Query().Get("key"), r.URL)
	}))
	defer srv.Close()
	spec := `{"list_users":{"request":{"method":"GET","url":"/users?page={{page}}&key={{credentials.token}}"},"users_path":"users","id_path":"id","email_path":"email","total_path":"total"}}`
	a, err := httpconn.New(vendorapi.Config{BaseURL: srv.URL, Spec: spec, Credentials: map[string]string{"token": token}, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = a.ListUsers(context.Background(), "")
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("error %v", err)
	}
	res, err := a.(vendorapi.ActionRunner).DryRun(context.Background(), "list_users", map[string]string{"page": "2"})
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprintf("%+v", *res)
	if strings.Contains(all, token) || res.Status != 400 || !strings.Contains(res.URL, "page=2&key=[redacted]") || res.Error == "" {
		t.Fatalf("dry run %s", all)
	}
}

// TestRateLimit reports the vendor's X-RateLimit headers and turns a 429 into a retryable error with
// the vendor's Retry-After.
func TestRateLimit(t *testing.T) {
	em := punchclockemu.New(punchclockemu.Options{RatePerMinute: 2})
	srv := httptest.NewServer(em)
	defer srv.Close()
	em.AddUser("a@acme.example", "")
	var seen []vendorapi.RateLimit
	a, err := httpconn.New(vendorapi.Config{BaseURL: srv.URL, Credentials: em.Credentials(), Spec: punchclockemu.ConnectorSpec(true), HTTPClient: srv.Client(),
		OnRateLimit: func(rl vendorapi.RateLimit) { seen = append(seen, rl) }})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := a.ListUsers(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = a.ListUsers(context.Background(), "")
	if vendorapi.Permanent(err) || vendorapi.RetryAfter(err) <= 0 {
		t.Fatalf("past the budget: %v (retry after %v)", err, vendorapi.RetryAfter(err))
	}
	if len(seen) != 3 || seen[1].Limit != 2 || seen[1].Remaining != 0 || seen[1].Reset.IsZero() {
		t.Fatalf("rate limits seen %+v", seen)
	}
}

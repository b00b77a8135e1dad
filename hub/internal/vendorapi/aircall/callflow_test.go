package aircall_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
	"presencehub.dev/shared/testwait"
)

// sink records webhook bodies in arrival order.
type sink struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (s *sink) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, b)
	s.mu.Unlock()
}

// states waits until the deliveries parse to at least n changes and returns their states.
func (s *sink) states(t *testing.T, a vendorapi.WebhookReceiver, id string, n int) []string {
	t.Helper()
	var got []string
	testwait.Seen(t, testwait.Default, fmt.Sprintf("%d changes delivered", n), func() (bool, string) {
		s.mu.Lock()
		bodies := slices.Clone(s.bodies)
		s.mu.Unlock()
		got = got[:0]
		for _, b := range bodies {
			cs, err := a.ParseWebhook(http.Header{}, b)
			if err != nil {
				t.Fatalf("ParseWebhook: %v\n%s", err, b)
			}
			for _, c := range cs {
				if c.ExternalID != id || c.ViaAPI {
					t.Errorf("change %+v; want user %s, not marked as an API write", c, id)
				}
				got = append(got, c.State)
			}
		}
		return len(got) >= n, fmt.Sprint(got)
	})
	return got
}

func TestCallFlow(t *testing.T) {
	em, srv := serve(t)
	a := adapterFor(t, em, srv)
	s := &sink{}
	hook := httptest.NewServer(s)
	t.Cleanup(hook.Close)
	em.AddWebhook(hook.URL)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()

	for _, step := range []struct{ change, want string }{
		{"in_call", "in_call"},
		{"after_call_work", "after_call_work"},
		{"available", "available"},
	} {
		if err := em.Change(id, step.change); err != nil {
			t.Fatal(err)
		}
		as, err := a.GetState(ctx, id)
		if err != nil || as.State != step.want {
			t.Errorf("GetState after Change(%s) = %+v, %v; want %s", step.change, as, err, step.want)
		}
	}
	// call.answered, call.ended (back to the availability_status), user.wut_start, user.wut_end.
	want := []string{"in_call", "available", "after_call_work", "available"}
	if got := s.states(t, a, id, len(want)); !slices.Equal(got, want) {
		t.Errorf("changes %v; want %v", got, want)
	}
}

func TestAvailabilityChangeDuringCallKeepsCall(t *testing.T) {
	em, srv := serve(t)
	a := adapterFor(t, em, srv)
	id := em.AddUser("ana@example.com", "Ana")
	if err := em.Change(id, "in_call"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetState(context.Background(), id, "unavailable"); err != nil {
		t.Fatal(err)
	}
	if as, err := a.GetState(context.Background(), id); err != nil || as.State != "in_call" {
		t.Errorf("GetState = %+v, %v; want in_call (Aircall does not interrupt calls)", as, err)
	}
	if err := em.Change(id, "after_call_work"); err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, "unavailable"); err != nil {
		t.Fatal(err)
	}
	if got, _ := em.State(id); got != "unavailable" {
		t.Errorf("state %q after wrap-up; want unavailable", got)
	}
}

func TestV2WebhooksParse(t *testing.T) {
	em, srv := serve(t)
	a := adapterFor(t, em, srv)
	s := &sink{}
	hook := httptest.NewServer(s)
	t.Cleanup(hook.Close)
	body := `{"custom_name":"v2","url":"` + hook.URL + `","events":["user.opened.v2","user.closed.v2","user.wut_start.v2","user.wut_end.v2","call.answered"]}`
	if status, out := call(t, srv, "POST", "/v1/webhooks", "ok", body); status != 201 {
		t.Fatalf("POST /v1/webhooks: %d %v", status, out)
	}
	id := em.AddUser("ana@example.com", "Ana")
	for _, st := range []string{"custom", "unavailable", "in_call", "after_call_work", "available"} {
		if err := em.Change(id, st); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"custom", "unavailable", "in_call", "after_call_work", "available", "available"}
	if got := s.states(t, a, id, len(want)); !slices.Equal(got, want) {
		t.Errorf("changes %v; want %v", got, want)
	}
}

func TestParseWebhookEdges(t *testing.T) {
	em, srv := serve(t)
	a := adapterFor(t, em, srv)
	tok := em.Credentials()["webhook_token"]
	for _, c := range []struct {
		name, body string
		want       []string
		err        error
	}{
		{"substatus-only close", `{"resource":"user","event":"user.closed","timestamp":1,"token":"` + tok + `","data":{"id":1,"substatus":"out_for_lunch"}}`, nil, nil},
		{"open without status", `{"resource":"user","event":"user.opened.v2","timestamp":1,"token":"` + tok + `","data":{"id":1}}`, []string{"available"}, nil},
		{"hungup", `{"resource":"call","event":"call.hungup","timestamp":1,"token":"` + tok + `","data":{"id":9,"user":{"id":1,"availability_status":"custom"}}}`, []string{"custom"}, nil},
		{"call without agent", `{"resource":"call","event":"call.ended","timestamp":1,"token":"` + tok + `","data":{"id":9,"user":null}}`, nil, nil},
		{"other event", `{"resource":"contact","event":"contact.created","timestamp":1,"token":"` + tok + `","data":{"id":3}}`, nil, nil},
		{"no token", `{"resource":"user","event":"user.opened","timestamp":1,"data":{"id":1}}`, nil, vendorapi.ErrBadSignature},
		{"wrong token", `{"resource":"user","event":"user.opened","timestamp":1,"token":"x","data":{"id":1}}`, nil, vendorapi.ErrBadSignature},
		{"no user id", `{"resource":"user","event":"user.opened","timestamp":1,"token":"` + tok + `","data":{}}`, nil, vendorapi.ErrMalformed},
		{"not json", `<xml/>`, nil, vendorapi.ErrMalformed},
	} {
		cs, err := a.ParseWebhook(http.Header{}, []byte(c.body))
		if !errors.Is(err, c.err) {
			t.Errorf("%s: error %v; want %v", c.name, err, c.err)
			continue
		}
		var got []string
		for _, ch := range cs {
			got = append(got, ch.State)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: states %v; want %v", c.name, got, c.want)
		}
	}
}

var _ vendorapi.WebhookReceiver = (*aircall.Adapter)(nil)

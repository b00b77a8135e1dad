// Package vendortest is the adapter contract suite: the same checks run against every adapter and its
// vendor's emulator, through real HTTP. An adapter is done when Run passes for it.
package vendortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/vendorapi"
)

// Pair describes one adapter + emulator pair.
type Pair struct {
	// NewEmulator returns a fresh emulator account.
	NewEmulator func(t *testing.T) emulator.Emulator
	// Factory builds the adapter.
	Factory vendorapi.Factory
	// Settable is a state the adapter can set and NotSettable one it must refuse without a request.
	Settable, OtherSettable, NotSettable string
	// PageSize is the vendor's largest page of users (the suite adds more users than that).
	PageSize int
	// NoRateHeaders: the vendor announces no request budget in its answers (Microsoft Graph sends
	// only Retry-After with a 429), so only the 429 is checked.
	NoRateHeaders bool
}

// subscriber is an emulator whose vendor's notifications the adapter subscribes to through the API
// (Microsoft Graph): SubscribeAll stands for that subscription where other emulators take AddWebhook.
type subscriber interface{ SubscribeAll(url string) }

// Run runs the contract suite.
func Run(t *testing.T, p Pair) {
	t.Run("ListUsersPaginates", func(t *testing.T) { listUsers(t, p) })
	t.Run("ListStates", func(t *testing.T) { listStates(t, p) })
	t.Run("SetAndGetState", func(t *testing.T) { setAndGet(t, p) })
	t.Run("NotSettableRefusedWithoutRequest", func(t *testing.T) { notSettable(t, p) })
	t.Run("UnknownUser", func(t *testing.T) { unknownUser(t, p) })
	t.Run("BadCredentials", func(t *testing.T) { badCredentials(t, p) })
	t.Run("OutageIsRetryable", func(t *testing.T) { outage(t, p) })
	t.Run("RateLimit", func(t *testing.T) { rateLimit(t, p) })
	t.Run("Webhooks", func(t *testing.T) { webhooks(t, p) })
	t.Run("Polling", func(t *testing.T) { polling(t, p) })
}

// Env is one emulator served over real HTTP and an adapter pointed at it.
type Env struct {
	Em      emulator.Emulator
	Server  *httptest.Server
	Adapter vendorapi.Adapter
	mu      sync.Mutex
	rates   []vendorapi.RateLimit
}

// Start serves a fresh emulator and builds the adapter with its credentials (changed by edit, if any).
func Start(t *testing.T, p Pair, edit func(creds map[string]string)) *Env {
	t.Helper()
	em := p.NewEmulator(t)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	creds := em.Credentials()
	if edit != nil {
		edit(creds)
	}
	env := &Env{Em: em, Server: srv}
	a, err := p.Factory(vendorapi.Config{BaseURL: srv.URL, Credentials: creds, Settings: em.Settings(), HTTPClient: srv.Client(),
		OnRateLimit: func(rl vendorapi.RateLimit) { env.mu.Lock(); env.rates = append(env.rates, rl); env.mu.Unlock() }})
	if err != nil {
		t.Fatalf("building adapter: %v", err)
	}
	env.Adapter = a
	return env
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func listUsers(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	want := map[string]string{}
	n := p.PageSize*2 + 3
	for i := range n {
		email := fmt.Sprintf("agent%03d@example.com", i)
		want[env.Em.AddUser(email, fmt.Sprintf("Agent %d", i))] = email
	}
	got := map[string]string{}
	cursor, pages := "", 0
	for {
		users, next, err := env.Adapter.ListUsers(ctx(t), cursor)
		if err != nil {
			t.Fatalf("ListUsers(%q): %v", cursor, err)
		}
		if len(users) > p.PageSize {
			t.Fatalf("page of %d users exceeds the vendor's maximum %d", len(users), p.PageSize)
		}
		pages++
		for _, u := range users {
			if _, dup := got[u.ExternalID]; dup {
				t.Fatalf("user %s listed twice", u.ExternalID)
			}
			got[u.ExternalID] = u.Email
		}
		if next == "" {
			break
		}
		if pages > n {
			t.Fatal("pagination does not end")
		}
		cursor = next
	}
	if pages < 3 {
		t.Errorf("listed %d users in %d pages; want at least 3 pages", len(got), pages)
	}
	for id, email := range want {
		if got[id] != email {
			t.Errorf("user %s: email %q, want %q", id, got[id], email)
		}
	}
}

func listStates(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	states, err := env.Adapter.ListStates(ctx(t))
	if err != nil {
		t.Fatalf("ListStates: %v", err)
	}
	byID := map[string]vendorapi.State{}
	for _, s := range states {
		if _, dup := byID[s.ID]; dup || s.ID == "" {
			t.Errorf("state id %q empty or listed twice", s.ID)
		}
		byID[s.ID] = s
	}
	if s, ok := byID[p.Settable]; !ok || !s.Settable {
		t.Errorf("state %q: listed=%v settable=%v; want a settable state", p.Settable, ok, s.Settable)
	}
	if p.NotSettable != "" {
		if s, ok := byID[p.NotSettable]; !ok || s.Settable {
			t.Errorf("state %q: listed=%v settable=%v; want listed as not settable", p.NotSettable, ok, s.Settable)
		}
	}
}

func setAndGet(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	id := env.Em.AddUser("ana@example.com", "Ana")
	for _, state := range []string{p.Settable, p.OtherSettable} {
		if err := env.Adapter.SetState(ctx(t), id, state); err != nil {
			t.Fatalf("SetState(%s): %v", state, err)
		}
		if got, _ := env.Em.State(id); got != state {
			t.Errorf("emulator state %q after SetState(%q)", got, state)
		}
		as, err := env.Adapter.GetState(ctx(t), id)
		if err != nil || as.State != state || as.ExternalID != id {
			t.Errorf("GetState = %+v, %v; want %s", as, err, state)
		}
	}
	// A change made inside the vendor is what GetState reads.
	if err := env.Em.Change(id, p.Settable); err != nil {
		t.Fatal(err)
	}
	if as, err := env.Adapter.GetState(ctx(t), id); err != nil || as.State != p.Settable {
		t.Errorf("GetState after vendor-side change = %+v, %v; want %s", as, err, p.Settable)
	}
}

func notSettable(t *testing.T, p Pair) {
	if p.NotSettable == "" {
		t.Skip("every state of this vendor is settable")
	}
	env := Start(t, p, nil)
	id := env.Em.AddUser("ana@example.com", "Ana")
	before := len(env.Em.Calls())
	err := env.Adapter.SetState(ctx(t), id, p.NotSettable)
	if !errors.Is(err, vendorapi.ErrNotSettable) || !vendorapi.Permanent(err) {
		t.Errorf("SetState(%s) = %v; want ErrNotSettable", p.NotSettable, err)
	}
	if after := len(env.Em.Calls()); after != before {
		t.Errorf("refusing a read-only state sent %d requests; want none", after-before)
	}
}

func unknownUser(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	err := env.Adapter.SetState(ctx(t), "999999999", p.Settable)
	if !errors.Is(err, vendorapi.ErrUnknownUser) || !vendorapi.Permanent(err) {
		t.Errorf("SetState(unknown user) = %v; want ErrUnknownUser", err)
	}
	if _, err := env.Adapter.GetState(ctx(t), "999999999"); !errors.Is(err, vendorapi.ErrUnknownUser) {
		t.Errorf("GetState(unknown user) = %v; want ErrUnknownUser", err)
	}
}

func badCredentials(t *testing.T, p Pair) {
	env := Start(t, p, func(creds map[string]string) {
		for k, v := range creds {
			creds[k] = v + "-wrong"
		}
	})
	id := env.Em.AddUser("ana@example.com", "Ana")
	err := env.Adapter.SetState(ctx(t), id, p.Settable)
	if !errors.Is(err, vendorapi.ErrAuth) || vendorapi.Permanent(err) {
		t.Errorf("SetState with wrong credentials = %v; want ErrAuth (retryable)", err)
	}
	if got, _ := env.Em.State(id); got == p.Settable && p.Settable != p.OtherSettable {
		// some accounts start in the settable state; only a change would prove the write went through
		t.Log("initial state equals the settable one; write refusal checked by the error only")
	}
}

func outage(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	id := env.Em.AddUser("ana@example.com", "Ana")
	env.Em.SetDown(true)
	err := env.Adapter.SetState(ctx(t), id, p.OtherSettable)
	if err == nil || vendorapi.Permanent(err) {
		t.Fatalf("SetState during an outage = %v; want a retryable error", err)
	}
	env.Em.SetDown(false)
	if err := env.Adapter.SetState(ctx(t), id, p.OtherSettable); err != nil {
		t.Fatalf("SetState after the outage: %v", err)
	}
	if got, _ := env.Em.State(id); got != p.OtherSettable {
		t.Errorf("state %q after recovery; want %q", got, p.OtherSettable)
	}
}

func rateLimit(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	id := env.Em.AddUser("ana@example.com", "Ana")
	env.Em.SetRateLimit(3)
	var err error
	for range 4 {
		if _, err = env.Adapter.GetState(ctx(t), id); err != nil {
			break
		}
	}
	var he *vendorapi.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests || vendorapi.RetryAfter(err) <= 0 || vendorapi.Permanent(err) {
		t.Fatalf("4th request over a limit of 3/min = %v; want a retryable 429 with Retry-After", err)
	}
	if p.NoRateHeaders {
		return
	}
	env.mu.Lock()
	defer env.mu.Unlock()
	if len(env.rates) == 0 {
		t.Fatal("no rate-limit headers observed")
	}
	if last := env.rates[len(env.rates)-1]; last.Limit != 3 || last.Remaining != 0 {
		t.Errorf("last rate-limit observation %+v; want limit 3, remaining 0", last)
	}
}

// webhookSink records deliveries.
type webhookSink struct {
	mu   sync.Mutex
	got  []emulator.Delivery
	wake chan struct{}
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, emulator.Delivery{Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// next waits for a delivery whose parsed changes satisfy match.
func (s *webhookSink) next(t *testing.T, wr vendorapi.WebhookReceiver, match func([]vendorapi.Change) bool) emulator.Delivery {
	t.Helper()
	deadline := time.After(5 * time.Second)
	seen := 0
	for {
		s.mu.Lock()
		pending := append([]emulator.Delivery(nil), s.got[seen:]...)
		seen = len(s.got)
		s.mu.Unlock()
		for _, d := range pending {
			changes, err := wr.ParseWebhook(d.Header, d.Body)
			if err != nil {
				t.Fatalf("ParseWebhook(genuine delivery): %v\n%s", err, d.Body)
			}
			if match(changes) {
				return d
			}
		}
		select {
		case <-s.wake:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no matching webhook delivery within 5s")
		}
	}
}

func webhooks(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	wr, ok := env.Adapter.(vendorapi.WebhookReceiver)
	if !ok {
		t.Skip("vendor has no webhooks")
	}
	sink := &webhookSink{wake: make(chan struct{}, 1)}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)
	if s, ok := env.Em.(subscriber); ok {
		s.SubscribeAll(hook.URL)
	} else {
		env.Em.AddWebhook(hook.URL)
	}
	id := env.Em.AddUser("ana@example.com", "Ana")
	if err := env.Em.Change(id, p.OtherSettable); err != nil {
		t.Fatal(err)
	}
	d := sink.next(t, wr, func(cs []vendorapi.Change) bool {
		for _, c := range cs {
			if c.ExternalID == id && c.State == p.OtherSettable && !c.ViaAPI {
				return true
			}
		}
		return false
	})
	// Tampered: one byte of the body changed after signing.
	tampered := append([]byte(nil), d.Body...)
	for i := len(tampered) - 1; i >= 0; i-- {
		if tampered[i] >= 'a' && tampered[i] <= 'y' {
			tampered[i]++
			break
		}
	}
	if _, err := wr.ParseWebhook(d.Header, tamperToken(tampered, env.Em)); !errors.Is(err, vendorapi.ErrBadSignature) {
		t.Errorf("tampered delivery: %v; want ErrBadSignature", err)
	}
	if _, err := wr.ParseWebhook(http.Header{}, d.Body); len(env.Em.Sign(d.Body)) > 0 && !errors.Is(err, vendorapi.ErrBadSignature) {
		t.Errorf("unsigned delivery: %v; want ErrBadSignature", err)
	}
	garbage := []byte(`{"not json`)
	if _, err := wr.ParseWebhook(env.Em.Sign(garbage), garbage); !errors.Is(err, vendorapi.ErrMalformed) {
		t.Errorf("malformed delivery: %v; want ErrMalformed", err)
	}
	// The echo of an API write is delivered too, and parses to the state written.
	if err := env.Adapter.SetState(ctx(t), id, p.Settable); err != nil {
		t.Fatal(err)
	}
	sink.next(t, wr, func(cs []vendorapi.Change) bool {
		for _, c := range cs {
			if c.ExternalID == id && c.State == p.Settable {
				return true
			}
		}
		return false
	})
}

// tamperToken makes token-in-body deliveries fail verification too: their signature is the token, so
// a changed body byte elsewhere would still verify. Signed vendors keep the tampered body as is.
func tamperToken(body []byte, em emulator.Emulator) []byte {
	if len(em.Sign(body)) > 0 {
		return body
	}
	for _, tok := range em.Credentials() {
		if i := bytes.Index(body, []byte(tok)); i >= 0 && len(tok) > 0 {
			out := append([]byte(nil), body...)
			out[i] ^= 1
			return out
		}
	}
	return body
}

// polled polls once from cursor and returns the states reported for user id, and the next cursor.
func polled(t *testing.T, pl vendorapi.Poller, cursor, id string) ([]string, string) {
	t.Helper()
	changes, next, err := pl.Poll(ctx(t), cursor)
	if err != nil {
		t.Fatalf("Poll(%q): %v", cursor, err)
	}
	var states []string
	for _, c := range changes {
		if c.ExternalID == id {
			states = append(states, c.State)
		}
	}
	return states, next
}

// polling checks vendors that must be asked for changes: the first poll only takes a baseline, a
// change made in the vendor is reported once (not marked as an API write), the hub's own write is
// reported too (its echo, which the framework recognises), and an outage fails the poll retryably
// without losing what changed meanwhile.
func polling(t *testing.T, p Pair) {
	env := Start(t, p, nil)
	pl, ok := env.Adapter.(vendorapi.Poller)
	if !ok {
		t.Skip("vendor pushes its changes; nothing to poll")
	}
	id := env.Em.AddUser("ana@example.com", "Ana")
	if err := env.Adapter.SetState(ctx(t), id, p.Settable); err != nil {
		t.Fatal(err)
	}
	got, cursor := polled(t, pl, "", id)
	if len(got) != 0 {
		t.Errorf("first poll reported %v; want only a baseline", got)
	}
	if got, cursor = polled(t, pl, cursor, id); len(got) != 0 {
		t.Errorf("poll without changes reported %v", got)
	}
	if err := env.Em.Change(id, p.OtherSettable); err != nil {
		t.Fatal(err)
	}
	changes, cursor, err := pl.Poll(ctx(t), cursor)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range changes {
		if c.ExternalID == id {
			found = c.State == p.OtherSettable && !c.ViaAPI
			if !found {
				t.Errorf("change %+v; want %s, not marked as an API write", c, p.OtherSettable)
			}
		}
	}
	if !found {
		t.Errorf("vendor-side change to %s not reported: %+v", p.OtherSettable, changes)
	}
	if got, cursor = polled(t, pl, cursor, id); len(got) != 0 {
		t.Errorf("change reported again: %v", got)
	}
	if err := env.Adapter.SetState(ctx(t), id, p.Settable); err != nil {
		t.Fatal(err)
	}
	if got, cursor = polled(t, pl, cursor, id); len(got) != 1 || got[0] != p.Settable {
		t.Errorf("after the hub's write, poll reported %v; want [%s]", got, p.Settable)
	}
	env.Em.SetDown(true)
	if _, _, err := pl.Poll(ctx(t), cursor); err == nil || vendorapi.Permanent(err) {
		t.Errorf("Poll during an outage = %v; want a retryable error", err)
	}
	if err := env.Em.Change(id, p.OtherSettable); err != nil {
		t.Fatal(err)
	}
	env.Em.SetDown(false)
	if got, _ = polled(t, pl, cursor, id); len(got) != 1 || got[0] != p.OtherSettable {
		t.Errorf("after the outage, poll reported %v; want [%s]", got, p.OtherSettable)
	}
}

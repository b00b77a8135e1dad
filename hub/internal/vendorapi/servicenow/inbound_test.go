package servicenow_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/shared/testwait"
)

// calls records the business rule's calls.
type calls struct {
	mu   sync.Mutex
	got  []http.Header
	body [][]byte
}

func (c *calls) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.got, c.body = append(c.got, r.Header.Clone()), append(c.body, b)
	c.mu.Unlock()
}

// wait returns the i-th call once it arrived.
func (c *calls) wait(t *testing.T, i int) (h http.Header, b []byte) {
	t.Helper()
	testwait.For(t, fmt.Sprintf("business rule call %d", i), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.got) > i {
			h, b = c.got[i], c.body[i]
			return true
		}
		return false
	})
	return h, b
}

func sign(secret string, ts int64, body []byte) http.Header {
	key, _ := base64.StdEncoding.DecodeString(secret)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "." + string(body)))
	h := http.Header{}
	h.Set(servicenow.TimestampHeader, strconv.FormatInt(ts, 10))
	h.Set(servicenow.SignatureHeader, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return h
}

func TestBusinessRuleAndPollReportEachChangeOnce(t *testing.T) {
	em, a := start(t, servicenowemu.Options{}, nil)
	sink := &calls{}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)
	em.AddWebhook(hook.URL)
	id := em.AddUser("ana@example.com", "Ana")
	ctx := context.Background()
	_, cursor, err := a.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, "available"); err != nil {
		t.Fatal(err)
	}
	if err := em.Change(id, "away"); err != nil {
		t.Fatal(err)
	}
	h0, b0 := sink.wait(t, 0)
	h1, b1 := sink.wait(t, 1)
	// The newer call first: applied. The older one, arriving late: nothing (it would undo the newer).
	if cs, err := a.ParseWebhook(h1, b1); err != nil || len(cs) != 1 || cs[0].State != "away" || cs[0].ExternalID != id || cs[0].ViaAPI {
		t.Fatalf("newer call: %+v, %v", cs, err)
	}
	if cs, err := a.ParseWebhook(h0, b0); err != nil || len(cs) != 0 {
		t.Errorf("older call after the newer: %+v, %v; want no change", cs, err)
	}
	if cs, err := a.ParseWebhook(h1, b1); err != nil || len(cs) != 0 {
		t.Errorf("replayed call: %+v, %v; want no change", cs, err)
	}
	// The poll finds both rows' updates already reported.
	if cs, _, err := a.Poll(ctx, cursor); err != nil || len(cs) != 0 {
		t.Errorf("poll after the business rule reported the change: %+v, %v; want nothing new", cs, err)
	}
	// The hub's own write comes back marked as made through the API.
	if err := a.SetState(ctx, id, "available"); err != nil {
		t.Fatal(err)
	}
	h2, b2 := sink.wait(t, 2)
	if cs, err := a.ParseWebhook(h2, b2); err != nil || len(cs) != 1 || cs[0].State != "available" || !cs[0].ViaAPI {
		t.Errorf("echo of the hub's write: %+v, %v; want available, ViaAPI", cs, err)
	}
}

func TestBusinessRuleCallsRejected(t *testing.T) {
	em, a := start(t, servicenowemu.Options{}, nil)
	id := em.AddUser("ana@example.com", "Ana")
	secret := em.Credentials()["inbound_secret"]
	body := []byte(`{"event":"awa_agent_presence.changed","sys_id":"r1","agent":"` + id + `","presence_state":"41f9b8dfb31313005baa6e5f26a8dcac","sys_updated_on":"2024-05-01 10:00:00","sys_updated_by":"ana","sys_mod_count":"7"}`)
	now := time.Now().Unix()
	other, _ := servicenow.GenerateInboundSecret()
	for _, c := range []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"unsigned", http.Header{}, body, vendorapi.ErrBadSignature},
		{"other secret", sign(other, now, body), body, vendorapi.ErrBadSignature},
		{"too old", sign(secret, now-600, body), body, vendorapi.ErrBadSignature},
		{"from the future", sign(secret, now+600, body), body, vendorapi.ErrBadSignature},
		{"not json", sign(secret, now, []byte("agent=1")), []byte("agent=1"), vendorapi.ErrMalformed},
		{"no agent", sign(secret, now, []byte(`{"event":"awa_agent_presence.changed","sys_mod_count":"1"}`)), []byte(`{"event":"awa_agent_presence.changed","sys_mod_count":"1"}`), vendorapi.ErrMalformed},
		{"other event", sign(secret, now, []byte(`{"event":"ping"}`)), []byte(`{"event":"ping"}`), nil},
		{"genuine", sign(secret, now, body), body, nil},
	} {
		cs, err := a.ParseWebhook(c.header, c.body)
		if !errors.Is(err, c.want) || (c.want != nil && cs != nil) {
			t.Errorf("%s: %v, %v; want %v", c.name, cs, err, c.want)
		}
		if c.name == "genuine" && (len(cs) != 1 || cs[0].State != "away" || cs[0].EventID != "r1@7") {
			t.Errorf("genuine call parsed to %+v", cs)
		}
	}
}

func TestUnusableInboundSecret(t *testing.T) {
	for _, secret := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		a, err := servicenow.New(vendorapi.Config{BaseURL: "https://x", Credentials: map[string]string{"username": "u", "password": "p", "inbound_secret": secret}})
		if err != nil {
			t.Fatalf("New with a bad inbound secret must still poll and write: %v", err)
		}
		_, err = a.(vendorapi.WebhookReceiver).ParseWebhook(sign(secret, time.Now().Unix(), []byte("{}")), []byte("{}"))
		if !errors.Is(err, vendorapi.ErrBadSignature) || !strings.Contains(err.Error(), "base64") {
			t.Errorf("secret %q: ParseWebhook = %v; want ErrBadSignature saying the secret must be base64", secret, err)
		}
	}
	a, _ := servicenow.New(vendorapi.Config{BaseURL: "https://x", Credentials: map[string]string{"username": "u", "password": "p"}})
	if _, err := a.(vendorapi.WebhookReceiver).ParseWebhook(http.Header{}, []byte("{}")); !errors.Is(err, vendorapi.ErrBadSignature) || !strings.Contains(err.Error(), "inbound_secret") {
		t.Errorf("no secret: %v; want ErrBadSignature naming inbound_secret", err)
	}
	s1, _ := servicenow.GenerateInboundSecret()
	s2, _ := servicenow.GenerateInboundSecret()
	if k, err := base64.StdEncoding.DecodeString(s1); err != nil || len(k) != 32 || s1 == s2 {
		t.Errorf("GenerateInboundSecret = %q, %q", s1, s2)
	}
}

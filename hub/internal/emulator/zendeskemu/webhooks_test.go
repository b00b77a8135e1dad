package zendeskemu_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

type delivery struct {
	header http.Header
	body   []byte
}

func subscribe(t *testing.T, em *zendeskemu.Emulator) <-chan delivery {
	ch := make(chan delivery, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- delivery{r.Header.Clone(), b}
	}))
	t.Cleanup(srv.Close)
	em.AddWebhook(srv.URL)
	return ch
}

func receive(t *testing.T, ch <-chan delivery) (delivery, map[string]any) {
	t.Helper()
	select {
	case d := <-ch:
		var env map[string]any
		if err := json.Unmarshal(d.body, &env); err != nil {
			t.Fatalf("delivery is not JSON: %s", d.body)
		}
		return d, env
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery within 5s")
	}
	return delivery{}, nil
}

func TestWebhooks(t *testing.T) {
	a := serve(t, zendeskemu.Options{WebhookSecret: "s3cret"})
	ch := subscribe(t, a.em)
	id := a.em.AddUser("ana@example.com", "Ana")
	if r := a.do(t, "PUT", "/api/v2/agent_availabilities/agent_statuses/agents/"+id, `{"id":3}`, ""); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	d, env := receive(t, ch)
	ts := d.header.Get("X-Zendesk-Webhook-Signature-Timestamp")
	mac := hmac.New(sha256.New, []byte("s3cret"))
	mac.Write([]byte(ts))
	mac.Write(d.body)
	if d.header.Get("X-Zendesk-Webhook-Signature") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature %q does not verify over timestamp %q + body", d.header.Get("X-Zendesk-Webhook-Signature"), ts)
	}
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("timestamp %q: %v", ts, err)
	}
	if env["type"] != "zen:event-type:agent.unified_state_changed" || env["subject"] != "zen:agent:"+id ||
		path(env, "detail", "agent_id") != id || path(env, "event", "new_unified_state", "id") != "3" ||
		path(env, "event", "new_unified_state", "reason") != "PUBLIC_API" ||
		path(env, "event", "previous_unified_state", "name") != "offline" || env["id"] == "" {
		t.Errorf("unified event %s", d.body)
	}
	// Per-channel events follow, talk among them.
	for _, want := range []string{"messaging", "support", "talk"} {
		_, env := receive(t, ch)
		if env["type"] != "zen:event-type:agent.state_changed" || path(env, "event", "channel") != want ||
			path(env, "event", "new_state") != "online" {
			t.Errorf("channel event %v; want %s online", env, want)
		}
	}
	if err := a.em.Change(id, "away"); err != nil {
		t.Fatal(err)
	}
	if _, env := receive(t, ch); path(env, "event", "new_unified_state", "reason") != "AGENT_STATUS_SWITCHER" ||
		path(env, "detail", "version") != "3" {
		t.Errorf("switcher change %v", env)
	}
	if h := a.em.Sign([]byte("x")); h.Get("X-Zendesk-Webhook-Signature") == "" || h.Get("X-Zendesk-Webhook-Signature-Timestamp") == "" {
		t.Errorf("Sign = %v", h)
	}
}

func TestTalkOnlyWebhook(t *testing.T) {
	a := serve(t, zendeskemu.Options{TalkOnly: true})
	ch := subscribe(t, a.em)
	id := a.em.AddUser("ana@example.com", "Ana")
	if err := a.em.Change(id, "away"); err != nil {
		t.Fatal(err)
	}
	if _, env := receive(t, ch); env["type"] != "zen:event-type:agent.state_changed" || path(env, "event", "channel") != "talk" ||
		path(env, "event", "previous_state") != "offline" || path(env, "event", "new_state") != "away" {
		t.Errorf("talk event %v", env)
	}
	if err := a.em.Change(id, "custom:123"); err == nil {
		t.Error("custom status on a Talk-only account accepted")
	}
}

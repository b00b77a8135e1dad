package zendesk_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/zendeskemu"
	"presencehub.dev/hub/internal/vendorapi"
)

// sink subscribes to the emulator's webhooks and hands each delivery over.
func sink(t *testing.T, em *zendeskemu.Emulator) <-chan emulator.Delivery {
	ch := make(chan emulator.Delivery, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- emulator.Delivery{Header: r.Header.Clone(), Body: body}
	}))
	t.Cleanup(srv.Close)
	em.AddWebhook(srv.URL)
	return ch
}

// nextChange parses deliveries until one reports a change for id.
func nextChange(t *testing.T, wr vendorapi.WebhookReceiver, deliveries <-chan emulator.Delivery, id string) vendorapi.Change {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case d := <-deliveries:
			changes, err := wr.ParseWebhook(d.Header, d.Body)
			if err != nil {
				t.Fatalf("ParseWebhook: %v\n%s", err, d.Body)
			}
			for _, c := range changes {
				if c.ExternalID == id {
					return c
				}
			}
		case <-timeout:
			t.Fatal("no webhook change within 5s")
		}
	}
}

func TestViaAPIMarksEchoes(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, nil)
	deliveries := sink(t, e.em)
	id := e.em.AddUser("ana@example.com", "Ana")

	if err := e.a.SetState(t.Context(), id, "online"); err != nil {
		t.Fatal(err)
	}
	c := nextChange(t, e.a, deliveries, id)
	if c.State != "online" || !c.ViaAPI || c.EventID == "" || c.Time.IsZero() {
		t.Errorf("echo of an API write = %+v; want online, ViaAPI, with event id and time", c)
	}

	if err := e.em.Change(id, "custom:123"); err != nil {
		t.Fatal(err)
	}
	c = nextChange(t, e.a, deliveries, id)
	if c.State != "custom:123" || c.ViaAPI {
		t.Errorf("change inside Zendesk = %+v; want custom:123, not ViaAPI", c)
	}
}

// sign signs body as Zendesk would, with the given timestamp.
func sign(secret, ts string, body []byte) http.Header {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Zendesk-Webhook-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	h.Set("X-Zendesk-Webhook-Signature-Timestamp", ts)
	return h
}

func TestSignatureTimestamp(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, nil)
	secret := e.em.Credentials()["webhook_secret"]
	body := []byte(`{"type":"zen:event-type:agent.unified_state_changed","id":"01H","time":"2024-05-10T23:31:58.64Z",
		"detail":{"account_id":"1","agent_id":"10011","version":"3"},
		"event":{"new_unified_state":{"id":"4","name":"away","reason":"AGENT_STATUS_SWITCHER"}}}`)

	fresh := time.Now().UTC().Format(time.RFC3339)
	changes, err := e.a.ParseWebhook(sign(secret, fresh, body), body)
	if err != nil || len(changes) != 1 || changes[0].State != "away" || changes[0].ExternalID != "10011" {
		t.Fatalf("fresh delivery = %+v, %v; want one change to away", changes, err)
	}
	for name, ts := range map[string]string{
		"stale":      time.Now().Add(-6 * time.Minute).UTC().Format(time.RFC3339),
		"future":     time.Now().Add(6 * time.Minute).UTC().Format(time.RFC3339),
		"unparsable": "yesterday",
	} {
		if _, err := e.a.ParseWebhook(sign(secret, ts, body), body); !errors.Is(err, vendorapi.ErrBadSignature) {
			t.Errorf("%s timestamp %q: %v; want ErrBadSignature", name, ts, err)
		}
	}
	// The signature covers the timestamp: a fresh timestamp on an old signature fails.
	h := sign(secret, time.Now().Add(-6*time.Minute).UTC().Format(time.RFC3339), body)
	h.Set("X-Zendesk-Webhook-Signature-Timestamp", fresh)
	if _, err := e.a.ParseWebhook(h, body); !errors.Is(err, vendorapi.ErrBadSignature) {
		t.Errorf("replayed signature with a new timestamp: %v; want ErrBadSignature", err)
	}
}

func TestWebhookFallsBackToStatusName(t *testing.T) {
	e := start(t, zendeskemu.Options{}, nil, nil)
	body := []byte(`{"type":"zen:event-type:agent.unified_state_changed","id":"01H",
		"detail":{"agent_id":10011},"event":{"new_unified_state":{"name":"Transfers Only","reason":"PUBLIC_API"}}}`)
	changes, err := e.a.ParseWebhook(e.em.Sign(body), body)
	if err != nil || len(changes) != 1 || changes[0].State != "transfers_only" || !changes[0].ViaAPI {
		t.Errorf("ParseWebhook = %+v, %v; want transfers_only via the API", changes, err)
	}
	other := []byte(`{"type":"zen:event-type:agent.work_item_added","id":"01J","detail":{"agent_id":"10011"},"event":{}}`)
	if changes, err := e.a.ParseWebhook(e.em.Sign(other), other); err != nil || len(changes) != 0 {
		t.Errorf("other event = %+v, %v; want nothing", changes, err)
	}
}

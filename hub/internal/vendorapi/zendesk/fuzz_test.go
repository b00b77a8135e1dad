package zendesk_test

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/zendesk"
)

// FuzzParseWebhook feeds signed deliveries of any shape to the webhook parser: it never panics, and
// what it accepts names a vendor user and a state. Seeds run as a test; go test -fuzz explores.
func FuzzParseWebhook(f *testing.F) {
	const secret = "fuzz-secret"
	a, err := zendesk.New(vendorapi.Config{BaseURL: "https://acme.zendesk.com", Credentials: map[string]string{"oauth_token": "t", "webhook_secret": secret}})
	if err != nil {
		f.Fatal(err)
	}
	wr := a.(vendorapi.WebhookReceiver)
	for _, seed := range []string{
		`{"type":"zen:event-type:agent.unified_state_changed","id":"01J","time":"2026-01-01T00:00:00Z","detail":{"agent_id":"10001"},"event":{"new_unified_state":{"id":"1","name":"online","reason":""}}}`,
		`{"type":"zen:event-type:agent.state_changed","id":"01K","detail":{"agent_id":"7"},"event":{"channel":"talk","new_state":"away","updated_at":"2026-01-01T00:00:00Z"}}`,
		`{"type":"zen:event-type:agent.unified_state_changed","detail":{},"event":null}`,
		`{}`, `[]`, `null`, `{"detail":{"agent_id":"` + "\x00" + `"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ts := time.Now().UTC().Format(time.RFC3339)
		changes, err := wr.ParseWebhook(sign(secret, ts, body), body)
		if err != nil {
			return
		}
		for _, c := range changes {
			if c.ExternalID == "" || c.State == "" {
				t.Fatalf("accepted a change without user or state: %+v from %q", c, body)
			}
		}
	})
}

package servicenow_test

import (
	"testing"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
)

// FuzzParseWebhook feeds business-rule calls of any shape, correctly signed, to the webhook parser: it
// never panics, and what it accepts names a vendor user and a state.
func FuzzParseWebhook(f *testing.F) {
	secret, err := servicenow.GenerateInboundSecret()
	if err != nil {
		f.Fatal(err)
	}
	a, err := servicenow.New(vendorapi.Config{BaseURL: "https://x",
		Credentials: map[string]string{"username": "u", "password": "p", "inbound_secret": secret}})
	if err != nil {
		f.Fatal(err)
	}
	wr := a.(vendorapi.WebhookReceiver)
	for _, seed := range []string{
		`{"event":"awa_agent_presence.changed","sys_id":"r1","agent":"u1","presence_state":"Available","sys_updated_on":"2026-01-05 09:00:00","sys_mod_count":"3"}`,
		`{"event":"awa_agent_presence.changed","agent":"u1","presence_state":"","sys_mod_count":"x"}`,
		`{"event":"other"}`, `{}`, `"x"`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		changes, err := wr.ParseWebhook(sign(secret, time.Now().Unix(), body), body)
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

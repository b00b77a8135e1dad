package aircall_test

import (
	"testing"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/aircall"
)

// FuzzParseWebhook feeds deliveries of any shape, carrying the right token, to the webhook parser: it
// never panics, and what it accepts names a vendor user and a state.
func FuzzParseWebhook(f *testing.F) {
	a, err := aircall.New(vendorapi.Config{BaseURL: "https://api.aircall.io",
		Credentials: map[string]string{"api_id": "i", "api_token": "t", "webhook_token": "fuzz-token"}})
	if err != nil {
		f.Fatal(err)
	}
	wr := a.(vendorapi.WebhookReceiver)
	for _, seed := range []string{
		`{"resource":"user","event":"user.opened","timestamp":1767225600,"token":"fuzz-token","data":{"id":1001,"availability_status":"available"}}`,
		`{"resource":"user","event":"user.closed","timestamp":1767225600,"token":"fuzz-token","data":{"id":"1001"}}`,
		`{"resource":"call","event":"call.answered","token":"fuzz-token","data":{"user":{"id":5}}}`,
		`{"token":"fuzz-token"}`, `{"token":"wrong"}`, `{}`, `"x"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		changes, err := wr.ParseWebhook(nil, body)
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

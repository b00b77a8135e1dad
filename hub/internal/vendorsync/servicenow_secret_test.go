package vendorsync_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
)

// The hub generates the HMAC secret of a ServiceNow connection's business rule, shows it once at
// creation, seals it like any credential, and accepts only calls signed with it.
func TestServiceNowInboundSecretIsGeneratedOnce(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 0)
	em := servicenowemu.New(servicenowemu.Options{})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	creds := em.Credentials()
	delete(creds, servicenow.CredInboundSecret)
	resp := e.must(t, "POST", "/connections", map[string]any{"name": "sn", "vendor": "servicenow", "base_url": srv.URL, "credentials": creds})
	secret, _ := resp["generated_credentials"].(map[string]any)[servicenow.CredInboundSecret].(string)
	if raw, err := base64.StdEncoding.DecodeString(secret); err != nil || len(raw) != 32 {
		t.Fatalf("generated inbound_secret %q: want 32 random bytes, base64", secret)
	}
	conn := resp["connection"].(map[string]any)["id"].(string)
	got := h.Do(t, h.AdminKey, "GET", e.base+"/connections/"+conn, nil)
	if strings.Contains(string(got.Body), secret) || strings.Contains(string(got.Body), "generated_credentials") {
		t.Fatalf("the secret is returned again: %s", got.Body)
	}
	body := []byte(`{"event":"awa_agent_presence.changed","sys_id":"x","agent":"nobody","presence_state":"` +
		servicenowemu.Offline.SysID + `","sys_updated_on":"2030-01-01 00:00:00","sys_updated_by":"admin","sys_mod_count":"1"}`)
	post := func(sign *servicenowemu.Emulator) int {
		req, _ := http.NewRequest("POST", h.URL+"/v1/webhooks/"+conn, strings.NewReader(string(body)))
		for k, v := range sign.Sign(body) {
			req.Header[k] = v
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if code := post(servicenowemu.New(servicenowemu.Options{InboundSecret: secret})); code/100 != 2 {
		t.Errorf("call signed with the generated secret: %d; want accepted", code)
	}
	if code := post(servicenowemu.New(servicenowemu.Options{InboundSecret: mustSecret(t)})); code != http.StatusUnauthorized {
		t.Errorf("call signed with another secret: %d; want 401", code)
	}
}

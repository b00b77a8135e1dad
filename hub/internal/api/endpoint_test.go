package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// TestCredentialsBoundToEndpoint: moving a connection to another scheme, host or port needs its
// credentials given again in the same request, so a tenant admin cannot send the stored secret to a
// host of their choosing; the move is audited.
func TestCredentialsBoundToEndpoint(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	zd := id(h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/connections", map[string]any{
		"name": "zendesk", "vendor": "zendesk", "base_url": "https://acme.zendesk.com",
		"credentials": map[string]string{"email": "admin@acme.example", "api_token": f.secretValue},
	}), "connection")
	conn := base + "/connections/" + zd

	var mu sync.Mutex
	var seen []string // Authorization headers the "attacker" host received
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(attacker.Close)

	for _, moved := range []string{attacker.URL, "http://acme.zendesk.com", "https://acme.zendesk.com:8443", "https://evil.example"} {
		r := h.Do(t, f.adminKey, "PATCH", conn+"?update_mask=base_url", map[string]any{"base_url": moved})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"credentials"`) {
			t.Fatalf("moving to %s without credentials: %d %s, want 400 naming credentials", moved, r.Status, r.Body)
		}
	}
	got := h.Must(t, http.StatusOK, f.adminKey, "GET", conn, nil)["connection"].(map[string]any)
	if got["base_url"] != "https://acme.zendesk.com" || got["credentials_set"] != true {
		t.Fatalf("refused moves changed the connection: %v", got)
	}

	// The same endpoint (case, default port, another path) keeps the credentials.
	h.Must(t, http.StatusOK, f.adminKey, "PATCH", conn+"?update_mask=base_url", map[string]any{"base_url": "https://ACME.zendesk.com:443/"})

	// Giving credentials with the move is fine, and audited as an endpoint change.
	h.Must(t, http.StatusOK, f.adminKey, "PATCH", conn+"?update_mask=base_url,credentials", map[string]any{
		"base_url": attacker.URL, "credentials": map[string]string{"email": "me@evil.example", "api_token": "attacker-own-token"},
	})
	h.Do(t, f.adminKey, "GET", conn+"/vendor-states", nil)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the moved connection sent nothing to its new host")
	}
	for _, a := range seen {
		if strings.Contains(a, f.secretValue) || a == "" {
			t.Fatalf("new host received %q, want only the credentials given with the move", a)
		}
	}
	records := h.Must(t, http.StatusOK, f.adminKey, "GET", base+"/audit-records?page_size=500&object_id="+zd, nil)["audit_records"].([]any)
	var moves int
	for _, r := range records {
		if r.(map[string]any)["action"] == "ChangeConnectionEndpoint" {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("%d ChangeConnectionEndpoint audit records, want 1: %v", moves, records)
	}
	if bytes.Contains([]byte(h.Logs.String()), []byte(f.secretValue)) {
		t.Fatal("logs contain the secret")
	}
}

package securitytest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/cli"
	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/hubtest"
)

// TestRotateSealKeyRefusedWhileServing (finding 7): rotate-seal-key does not run under a hub serving
// the same data dir, and runs once the hub has stopped.
func TestRotateSealKeyRefusedWhileServing(t *testing.T) {
	dir := t.TempDir()
	h := hubtest.Start(t, hubtest.WithDataDir(dir))
	var out bytes.Buffer
	if code := cli.Execute(t.Context(), []string{"rotate-seal-key", "--data-dir", dir}, &out, &out); code == 0 || !strings.Contains(out.String(), "a hub is serving") {
		t.Fatalf("rotation under a serving hub: exit %d: %s", code, out.String())
	}
	h.Stop()
	out.Reset()
	if code := cli.Execute(t.Context(), []string{"rotate-seal-key", "--data-dir", dir}, &out, &out); code != 0 {
		t.Fatalf("rotation with the hub stopped: exit %d: %s", code, out.String())
	}
	hubtest.Start(t, hubtest.WithDataDir(dir)) // and the hub starts again on the rotated key
}

// TestSecretUnderUnknownKeyIsAConflict: a connection whose credentials were sealed under a key the hub
// does not hold answers 409 naming the connection and what to do — never a 500 — and giving the
// credentials again repairs it.
func TestSecretUnderUnknownKeyIsAConflict(t *testing.T) {
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	t.Cleanup(vendor.Close)
	dir := t.TempDir()
	withKey := func(k string) hubtest.Option {
		return hubtest.WithConfig(func(c *config.Config) { c.DataDir, c.SealKey = dir, strings.Repeat(k, 64) })
	}
	h := hubtest.Start(t, withKey("a"))
	base, key := tenant(t, h, "acme")
	conn := base + "/connections/" + objectID(h.Must(t, http.StatusOK, key, "POST", base+"/connections", map[string]any{
		"name": "zendesk-eu", "vendor": "zendesk", "base_url": vendor.URL,
		"credentials": map[string]string{"email": "a@acme.example", "api_token": "t"},
	}), "connection")
	h.Stop()

	h = hubtest.Start(t, withKey("b"))
	r := h.Do(t, key, "GET", conn+"/vendor-states", nil)
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "zendesk-eu") || !strings.Contains(string(r.Body), "credentials again") {
		t.Fatalf("credentials under an unknown key: %d %s, want 409 naming the connection and the remedy", r.Status, r.Body)
	}
	h.Must(t, http.StatusOK, key, "PATCH", conn+"?update_mask=credentials", map[string]any{"credentials": map[string]string{"email": "a@acme.example", "api_token": "t2"}})
	if r := h.Do(t, key, "GET", conn+"/vendor-states", nil); r.Status != http.StatusOK {
		t.Fatalf("after giving the credentials again: %d %s", r.Status, r.Body)
	}
}

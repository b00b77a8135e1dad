package securitytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/hubtest"
)

const internalSecret = "INTERNAL-ONLY-db-password-hunter2"

// internalService stands for another service on the hub's network; it counts the requests it gets.
func internalService(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"users":[{"punch_clock_id":"1","punch_clock_email":"` + internalSecret + `@x"}],"count":1,"total":1,"secret":"` + internalSecret + `"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestOutboundRequestsRefuseInternalAddresses (finding 2): with the production policy, a tenant admin
// pointing the HTTP connector (dry run) or a vendor adapter at loopback, a name resolving to loopback,
// or the cloud metadata address gets a clear refusal, and nothing reaches the address.
func TestOutboundRequestsRefuseInternalAddresses(t *testing.T) {
	h := hubtest.Start(t, hubtest.WithOutbound(config.Outbound{}))
	base, key := tenant(t, h, "acme")
	srv, hits := internalService(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]

	for _, target := range []string{srv.URL, "http://localhost" + port, "http://169.254.169.254", "http://[::1]" + port} {
		conn := objectID(h.Must(t, http.StatusOK, key, "POST", base+"/connections", map[string]any{
			"name": "c" + strings.NewReplacer(":", "", "/", "", ".", "", "[", "", "]", "").Replace(target), "vendor": "http", "base_url": target,
			"credentials": map[string]string{"api_token": "t"}, "http_connector": json.RawMessage(punchclockemu.ConnectorSpec(true)),
		}), "connection")
		r := h.Do(t, key, "POST", base+"/connections/"+conn+":dryRun", map[string]any{"action": "list_users"})
		if r.Status == http.StatusOK || r.Status >= 500 && r.Status != http.StatusServiceUnavailable || strings.Contains(string(r.Body), internalSecret) ||
			!strings.Contains(string(r.Body), "refused") {
			t.Errorf("dry run against %s: %d %s, want a refusal that says so", target, r.Status, r.Body)
		}
		zd := objectID(h.Must(t, http.StatusOK, key, "POST", base+"/connections", map[string]any{
			"name": "z" + strings.NewReplacer(":", "", "/", "", ".", "", "[", "", "]", "").Replace(target), "vendor": "zendesk", "base_url": target,
			"credentials": map[string]string{"email": "a@acme.example", "api_token": "t"},
		}), "connection")
		if r := h.Do(t, key, "GET", base+"/connections/"+zd+"/vendor-states", nil); r.Status == http.StatusOK || strings.Contains(string(r.Body), internalSecret) {
			t.Errorf("vendor states from %s: %d %s, want refused", target, r.Status, r.Body)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal service received %d requests", n)
	}

	// The same requests go through where the configuration allows the address (so the refusal above is
	// the policy's), and the dry run's answer stays bounded and redacted.
	h2 := hubtest.Start(t, hubtest.WithOutbound(config.Outbound{Allow: []string{"127.0.0.1"}}))
	base2, key2 := tenant(t, h2, "acme")
	conn := objectID(h2.Must(t, http.StatusOK, key2, "POST", base2+"/connections", map[string]any{
		"name": "c", "vendor": "http", "base_url": srv.URL, "credentials": map[string]string{"api_token": internalSecret},
		"http_connector": json.RawMessage(punchclockemu.ConnectorSpec(true)),
	}), "connection")
	r := h2.Do(t, key2, "POST", base2+"/connections/"+conn+":dryRun", map[string]any{"action": "list_users"})
	if r.Status != http.StatusOK || hits.Load() == 0 {
		t.Fatalf("allowed dry run: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), internalSecret) {
		t.Fatalf("the dry run echoed a credential value: %s", r.Body)
	}
}

package api_test

import (
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// A tray reads its own agent's timeline with its device token ("Recent changes" after a restart), and
// nothing else with it.
func TestDeviceReadsOwnTimelineOnly(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	other := newFixture(t, h, "globex")
	base := "/v1/tenants/" + f.tenantID
	pair := func(agentID string) string {
		code := h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/agents/"+agentID+"/pairing-codes", map[string]any{})["pairing_code"].(map[string]any)["code"].(string)
		return h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": code})["device_token"].(string)
	}
	token := pair(f.agentID)
	bob := id(h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/agents", map[string]any{"email": "bob@acme.example"}), "agent")
	h.Must(t, http.StatusOK, f.adminKey, "PUT", base+"/agents/"+f.agentID+"/presence", map[string]any{"status": "busy", "reason": "covering"})

	got := h.Must(t, http.StatusOK, token, "GET", base+"/agents/"+f.agentID+"/timeline?page_size=20", nil)
	entries, _ := got["entries"].([]any)
	if len(entries) == 0 || entries[0].(map[string]any)["status"] != "busy" {
		t.Fatalf("own timeline: %v", got)
	}
	if r := h.Do(t, token, "GET", "/v1/tenants/acme/agents/"+f.agentID+"/timeline", nil); r.Status != http.StatusOK {
		t.Fatalf("own timeline by tenant name: %d %s", r.Status, r.Body)
	}
	for name, tc := range map[string]struct {
		path string
		want int
	}{
		"another agent":      {base + "/agents/" + bob + "/timeline", http.StatusNotFound},
		"another tenant":     {"/v1/tenants/" + other.tenantID + "/agents/" + other.agentID + "/timeline", http.StatusNotFound},
		"another method":     {base + "/agents/" + f.agentID + "/presence", http.StatusUnauthorized},
		"the agent's record": {base + "/agents/" + f.agentID, http.StatusUnauthorized},
	} {
		if r := h.Do(t, token, "GET", tc.path, nil); r.Status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, tc.want, r.Body)
		}
	}

	h.Must(t, http.StatusOK, token, "POST", "/v1/sign-out", map[string]any{})
	if r := h.Do(t, token, "GET", base+"/agents/"+f.agentID+"/timeline", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("signed-out device: %d, want 401", r.Status)
	}
}

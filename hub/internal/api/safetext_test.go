package api_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// TestUnsafeTextRefused (finding 6): control characters and bidirectional overrides never reach the
// store, in any name, display name or email; the 400 names the field.
func TestUnsafeTextRefused(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	bad := map[string]string{"NUL": "Sup\x00port", "ESC": "Sup\x1b[31mport", "BEL": "Sup\aport", "DEL": "Sup\x7fport",
		"C1": "Sup\u0085port", "RLO": "Sup\u202eport", "LRI": "Sup\u2066port"}
	for name, v := range bad {
		cases := []struct {
			method, path, field string
			body                map[string]any
		}{
			{"POST", base + "/teams", "name", map[string]any{"name": v}},
			{"PATCH", base + "/teams/" + f.teamID, "name", map[string]any{"name": v}},
			{"POST", base + "/teams", "description", map[string]any{"name": "ok", "description": v}},
			{"PATCH", "/v1/tenants/" + f.tenantID, "display_name", map[string]any{"display_name": v}},
			{"POST", base + "/agents", "email", map[string]any{"email": "a" + v + "@acme.example"}},
			{"PATCH", base + "/agents/" + f.agentID, "display_name", map[string]any{"display_name": v}},
			{"POST", base + "/statuses", "display_name", map[string]any{"name": "lunch", "kind": "away", "display_name": v}},
			{"PATCH", base + "/connections/" + f.connectionID, "name", map[string]any{"name": v}},
			{"POST", base + "/api-keys", "name", map[string]any{"name": v, "role": "viewer"}},
			{"POST", "/v1/pair", "device_name", map[string]any{"code": "ABCD-EFGH", "device_name": v}},
		}
		for _, c := range cases {
			r := h.Do(t, f.adminKey, c.method, c.path, c.body)
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"`+c.field+`"`) {
				t.Errorf("%s in %s %s %s: %d %s, want 400 naming %s", name, c.method, c.path, c.field, r.Status, r.Body, c.field)
			}
		}
	}
	// Line breaks are fine in a description, and ordinary non-ASCII everywhere.
	h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/teams", map[string]any{"name": "Équipe Zürich 東京", "description": "line one\nline two"})
}

// TestUnknownUpdateMaskRefused: an update_mask path the resource does not have is a 400 naming
// update_mask, not a silent 200.
func TestUnknownUpdateMaskRefused(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	paths := map[string]string{base + "/teams/" + f.teamID: "name", base + "/connections/" + f.connectionID: "name",
		base + "/agents/" + f.agentID: "display_name", "/v1/tenants/" + f.tenantID: "display_name"}
	for path, field := range paths {
		r := h.Do(t, f.adminKey, "PATCH", path+"?update_mask=nonexistent", map[string]any{field: "x"})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"update_mask"`) || !strings.Contains(string(r.Body), "nonexistent") {
			t.Errorf("PATCH %s?update_mask=nonexistent: %d %s, want 400 naming update_mask", path, r.Status, r.Body)
		}
	}
	h.Must(t, http.StatusOK, f.adminKey, "PATCH", base+"/teams/"+f.teamID+"?update_mask=name,description", map[string]any{"name": "Phones", "description": "d"})
	h.Must(t, http.StatusOK, f.adminKey, "PATCH", base+"/connections/"+f.connectionID+"?update_mask=settings.rate_limit_per_minute", map[string]any{"settings": map[string]string{"rate_limit_per_minute": "60"}})
}

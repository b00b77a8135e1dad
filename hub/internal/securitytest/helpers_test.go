package securitytest

import (
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// tenant creates a tenant with an admin key and returns its REST base path and the key.
func tenant(t *testing.T, h *hubtest.Hub, name string) (base, key string) {
	t.Helper()
	tn := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", map[string]any{"name": name, "display_name": name})
	base = "/v1/tenants/" + tn["tenant"].(map[string]any)["id"].(string)
	key = h.Must(t, http.StatusOK, h.AdminKey, "POST", base+"/api-keys", map[string]any{"name": "admin", "role": "admin"})["secret"].(string)
	return base, key
}

func objectID(m map[string]any, field string) string { return m[field].(map[string]any)["id"].(string) }

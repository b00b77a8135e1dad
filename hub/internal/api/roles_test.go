package api_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestKeyRoles(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	cases := []struct {
		name, key, method, path, body string
		want                          int
	}{
		{"no key", "", "GET", base + "/agents", "", 401},
		{"unknown key", "phk_not_a_real_key_at_all_000", "GET", base + "/agents", "", 401},
		{"not a bearer header", "", "GET", base + "/agents", "", 401},
		{"viewer reads", f.viewerKey, "GET", base + "/agents/" + f.agentID, "", 200},
		{"viewer lists audit", f.viewerKey, "GET", base + "/audit-records", "", 200},
		{"viewer cannot create", f.viewerKey, "POST", base + "/teams", `{"name":"x"}`, 403},
		{"viewer cannot update", f.viewerKey, "PATCH", base + "/teams/" + f.teamID, `{"name":"x"}`, 403},
		{"viewer cannot delete", f.viewerKey, "DELETE", base + "/teams/" + f.teamID, "", 403},
		{"viewer cannot mint keys", f.viewerKey, "POST", base + "/api-keys", `{"name":"x","role":"admin"}`, 403},
		{"tenant admin updates own tenant", f.adminKey, "PATCH", base, `{"display_name":"Acme Corp"}`, 200},
		{"tenant admin cannot create tenants", f.adminKey, "POST", "/v1/tenants", `{"name":"other"}`, 403},
		{"tenant admin cannot delete its tenant", f.adminKey, "DELETE", base, "", 403},
		{"tenant admin cannot mint hub-wide keys", f.adminKey, "POST", "/v1/api-keys", `{"name":"x","role":"admin"}`, 403},
		{"hub admin mints hub-wide viewer", h.AdminKey, "POST", "/v1/api-keys", `{"name":"ops","role":"viewer"}`, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if resp := h.Do(t, c.key, c.method, c.path, c.body); resp.Status != c.want {
				t.Fatalf("status %d, want %d: %s", resp.Status, c.want, resp.Body)
			}
		})
	}

	// A hub-wide viewer reads every tenant but changes none.
	hubViewer := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/api-keys", map[string]any{"name": "auditor", "role": "viewer"})["secret"].(string)
	h.Must(t, http.StatusOK, hubViewer, "GET", base+"/rules/"+f.ruleID, nil)
	h.Must(t, http.StatusForbidden, hubViewer, "POST", "/v1/tenants", map[string]any{"name": "nope"})

	// A deleted key stops working at once.
	k := h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/api-keys", map[string]any{"name": "temp", "role": "admin"})
	h.Must(t, http.StatusOK, k["secret"].(string), "GET", base+"/teams", nil)
	h.Must(t, http.StatusOK, f.adminKey, "DELETE", base+"/api-keys/"+id(k, "api_key"), nil)
	h.Must(t, http.StatusUnauthorized, k["secret"].(string), "GET", base+"/teams", nil)

	// Keys are listed without secrets and with their prefix only.
	list := h.Do(t, f.adminKey, "GET", base+"/api-keys", nil)
	if strings.Contains(string(list.Body), f.viewerKey) {
		t.Fatalf("key listing contains a secret: %s", list.Body)
	}
	var stored string
	if err := h.App.Store.SQL().QueryRow("SELECT hash FROM api_keys WHERE name = 'viewer'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == f.viewerKey || len(stored) != 64 {
		t.Fatalf("api key not stored as a SHA-256 hash: %q", stored)
	}
}

package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// fixture is one tenant populated with one object of every kind, created over REST.
type fixture struct {
	tenantID, tenantName                            string
	adminKey, adminKeyID, viewerKey                 string
	statusID, teamID, agentID, connectionID, ruleID string
	secretValue                                     string
}

func id(m map[string]any, field string) string {
	return m[field].(map[string]any)["id"].(string)
}

// newFixture creates tenant name with a catalog, a team, a connection with credentials, an agent linked
// to it, a rule, and a tenant admin and viewer key.
func newFixture(t *testing.T, h *hubtest.Hub, name string) fixture {
	t.Helper()
	f := fixture{tenantName: name, secretValue: "s3cr3t-" + name + "-token-value"}
	root := h.AdminKey
	f.tenantID = id(h.Must(t, http.StatusOK, root, "POST", "/v1/tenants", map[string]any{"name": name, "display_name": name + " Inc"}), "tenant")
	base := "/v1/tenants/" + f.tenantID
	f.statusID = id(h.Must(t, http.StatusOK, root, "POST", base+"/statuses", map[string]any{"name": "available", "kind": "available", "color": "#22c55e"}), "status")
	h.Must(t, http.StatusOK, root, "POST", base+"/statuses", map[string]any{"name": "busy", "kind": "busy"})
	f.teamID = id(h.Must(t, http.StatusOK, root, "POST", base+"/teams", map[string]any{"name": "Support"}), "team")
	f.connectionID = id(h.Must(t, http.StatusOK, root, "POST", base+"/connections", map[string]any{
		"name": "aircall", "vendor": "aircall", "base_url": "https://api.aircall.io",
		"credentials": map[string]string{"api_id": "id-" + name, "api_token": f.secretValue, "webhook_token": "wh-" + name},
	}), "connection")
	f.agentID = id(h.Must(t, http.StatusOK, root, "POST", base+"/agents", map[string]any{
		"email": "alice@" + name + ".example", "display_name": "Alice", "team_ids": []string{f.teamID},
		"identities": []map[string]any{{"connection_id": f.connectionID, "external_id": "1001"}},
	}), "agent")
	f.ruleID = id(h.Must(t, http.StatusOK, root, "POST", base+"/rules", map[string]any{
		"name": "aircall-sync", "connection_id": f.connectionID, "team_ids": []string{f.teamID},
		"inbound":  []map[string]string{{"vendor_state": "available", "status": "available"}},
		"outbound": []map[string]string{{"status": "busy", "vendor_state": "unavailable"}},
	}), "rule")
	k := h.Must(t, http.StatusOK, root, "POST", base+"/api-keys", map[string]any{"name": "admin", "role": "admin"})
	f.adminKey, f.adminKeyID = k["secret"].(string), id(k, "api_key")
	f.viewerKey = h.Must(t, http.StatusOK, root, "POST", base+"/api-keys", map[string]any{"name": "viewer", "role": "viewer"})["secret"].(string)
	return f
}

// pathParams are the values for each path variable of the API, taken from f.
func (f fixture) pathParams() map[string]string {
	return map[string]string{
		"tenant": f.tenantID, "status_id": f.statusID, "team_id": f.teamID, "agent_id": f.agentID,
		"connection_id": f.connectionID, "rule_id": f.ruleID, "api_key_id": f.adminKeyID,
	}
}

func (f fixture) String() string { return fmt.Sprintf("tenant %s (%s)", f.tenantName, f.tenantID) }

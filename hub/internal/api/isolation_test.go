package api_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// TestTenantIsolationOnEveryEndpoint calls every REST route with tenant A's admin key against tenant B:
// B's tenant in the path (by id and by name), and A's tenant with B's object ids. Every such call must
// fail without revealing that B's objects exist, and B must be untouched afterwards.
func TestTenantIsolationOnEveryEndpoint(t *testing.T) {
	h := hubtest.Start(t)
	a := newFixture(t, h, "acme")
	b := newFixture(t, h, "globex")
	bByName := b.pathParams()
	bByName["tenant"] = b.tenantName
	mixed := b.pathParams()
	mixed["tenant"] = a.tenantID

	for _, r := range routes(t) {
		t.Run(r.rpc+" "+r.method+" "+r.path, func(t *testing.T) {
			if !r.hasTenant() {
				checkHubLevelRoute(t, h, a, b, r)
				return
			}
			want := http.StatusNotFound
			if r.rpc == "DeleteTenant" {
				want = http.StatusForbidden // needs a hub-wide key, whichever tenant is named
			}
			body := "{}"
			if r.rpc == "SetPresence" {
				body = `{"status":"available"}`
			}
			for _, params := range []map[string]string{b.pathParams(), bByName} {
				path := r.fill(params)
				resp := h.Do(t, a.adminKey, r.method, path, body)
				if resp.Status != want {
					t.Fatalf("%s %s with the other tenant's key: status %d, want %d: %s", r.method, path, resp.Status, want, resp.Body)
				}
				if strings.Contains(string(resp.Body), b.tenantID) || strings.Contains(string(resp.Body), b.agentID) {
					t.Fatalf("response leaks the other tenant's ids: %s", resp.Body)
				}
			}
			if strings.Count(r.path, "{") > 1 { // A's own tenant, B's object id
				path := r.fill(mixed)
				if resp := h.Do(t, a.adminKey, r.method, path, body); resp.Status != http.StatusNotFound {
					t.Fatalf("%s %s (own tenant, other tenant's object): status %d, want 404: %s", r.method, path, resp.Status, resp.Body)
				}
			}
		})
	}

	// B is exactly as it was: every object still there, and nothing A did is in B's audit trail.
	for _, p := range []string{"", "/statuses/" + b.statusID, "/teams/" + b.teamID, "/agents/" + b.agentID,
		"/connections/" + b.connectionID, "/rules/" + b.ruleID, "/api-keys/" + b.adminKeyID} {
		h.Must(t, http.StatusOK, b.adminKey, "GET", "/v1/tenants/"+b.tenantID+p, nil)
	}
	agent := h.Must(t, http.StatusOK, b.adminKey, "GET", "/v1/tenants/"+b.tenantID+"/agents/"+b.agentID, nil)["agent"].(map[string]any)
	if agent["email"] != "alice@globex.example" || len(agent["team_ids"].([]any)) != 1 {
		t.Fatalf("agent of B changed: %v", agent)
	}
	audit := h.Do(t, b.adminKey, "GET", "/v1/tenants/"+b.tenantID+"/audit-records", nil)
	if strings.Contains(string(audit.Body), a.adminKeyID) {
		t.Fatalf("A's key appears in B's audit trail: %s", audit.Body)
	}
}

// checkHubLevelRoute covers routes without a tenant: creating tenants and hub-wide keys needs a
// hub-wide key; listing tenants shows a tenant key only its own tenant.
func checkHubLevelRoute(t *testing.T, h *hubtest.Hub, a, b fixture, r route) {
	t.Helper()
	body, want := `{"name":"intruder"}`, http.StatusForbidden
	switch {
	case strings.Contains(r.rpc, "ApiKey"):
		body = `{"name":"intruder","role":"admin"}`
	case r.rpc == "Pair": // public; a guessed code pairs nothing
		body, want = `{"code":"ABCD-EFGH"}`, http.StatusNotFound
	case r.rpc == "SignOut": // device tokens only
		body, want = `{}`, http.StatusUnauthorized
	}
	resp := h.Do(t, a.adminKey, r.method, r.fill(b.pathParams()), body)
	if r.rpc == "ListTenants" {
		if resp.Status != http.StatusOK {
			t.Fatalf("list tenants: %d %s", resp.Status, resp.Body)
		}
		tenants := resp.JSON(t)["tenants"].([]any)
		if len(tenants) != 1 || tenants[0].(map[string]any)["id"] != a.tenantID {
			t.Fatalf("tenant key sees %v, want only its own tenant", tenants)
		}
		return
	}
	if resp.Status != want {
		t.Fatalf("%s %s with a tenant key: status %d, want %d: %s", r.method, r.path, resp.Status, want, resp.Body)
	}
}

// TestReferencesStayInsideTheTenant checks that objects of another tenant cannot be referenced.
func TestReferencesStayInsideTheTenant(t *testing.T) {
	h := hubtest.Start(t)
	a := newFixture(t, h, "acme")
	b := newFixture(t, h, "globex")
	base := "/v1/tenants/" + a.tenantID
	resp := h.Do(t, a.adminKey, "POST", base+"/agents", map[string]any{
		"email": "mallory@acme.example", "team_ids": []string{b.teamID},
		"identities": []map[string]any{{"connection_id": b.connectionID, "external_id": "9"}},
	})
	assertViolations(t, resp, "team_ids[0]", "identities[0].connection_id")
	resp = h.Do(t, a.adminKey, "POST", base+"/rules", map[string]any{
		"name": "steal", "connection_id": b.connectionID, "agent_ids": []string{b.agentID}, "team_ids": []string{b.teamID},
	})
	assertViolations(t, resp, "connection_id", "agent_ids[0]", "team_ids[0]")
}

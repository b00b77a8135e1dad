package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/emulator/punchclockemu"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/model"
)

// TestEveryMutationIsAudited performs every mutating call of the API once and checks that each left an
// audit record naming the actor, the action and the object.
func TestEveryMutationIsAudited(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme") // CreateTenant, CreateStatus, CreateTeam, CreateConnection, CreateAgent, CreateRule, CreateApiKey
	base := "/v1/tenants/" + f.tenantID
	k := f.adminKey
	h.Must(t, http.StatusOK, k, "PATCH", base, map[string]any{"display_name": "Acme"})
	h.Must(t, http.StatusOK, k, "PATCH", base+"/statuses/"+f.statusID, map[string]any{"color": "#00ff00"})
	h.Must(t, http.StatusOK, k, "PATCH", base+"/teams/"+f.teamID, map[string]any{"description": "phones"})
	h.Must(t, http.StatusOK, k, "PATCH", base+"/agents/"+f.agentID, map[string]any{"display_name": "Alice M."})
	h.Must(t, http.StatusOK, k, "PATCH", base+"/connections/"+f.connectionID, map[string]any{"enabled": false})
	h.Must(t, http.StatusOK, k, "PATCH", base+"/rules/"+f.ruleID, map[string]any{"fallback_status": "busy"})
	h.Must(t, http.StatusOK, k, "PUT", base+"/agents/"+f.agentID+"/presence", map[string]any{"status": "busy"})
	for _, end := range []string{"revoke", "sign-out"} {
		code := h.Must(t, http.StatusOK, k, "POST", base+"/agents/"+f.agentID+"/pairing-codes", map[string]any{})["pairing_code"].(map[string]any)["code"]
		paired := h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": code, "device_name": end})
		device := id(paired, "device")
		if end == "revoke" {
			h.Must(t, http.StatusOK, k, "DELETE", base+"/agents/"+f.agentID+"/devices/"+device, nil)
		} else {
			h.Must(t, http.StatusOK, paired["device_token"].(string), "POST", "/v1/sign-out", map[string]any{})
		}
	}
	var conns = map[string]string{}
	for _, v := range []string{"aircall", "zendesk"} {
		conns[v] = id(h.Must(t, http.StatusOK, k, "POST", base+"/connections", map[string]any{"name": "tpl-" + v, "vendor": v, "base_url": "http://127.0.0.1:9"}), "connection")
	}
	h.Must(t, http.StatusOK, k, "POST", base+"/connections/"+conns["aircall"]+"/sync-runs", map[string]any{})
	punchClock := punchclockemu.New(punchclockemu.Options{RatePerMinute: -1})
	pcSrv := httptest.NewServer(punchClock)
	defer pcSrv.Close()
	pc := id(h.Must(t, http.StatusOK, k, "POST", base+"/connections", map[string]any{"name": "punch-clock", "vendor": "http", "base_url": pcSrv.URL,
		"credentials": punchClock.Credentials(), "http_connector": json.RawMessage(punchClock.ConnectorSpec())}), "connection")
	h.Must(t, http.StatusOK, k, "POST", base+"/connections/"+pc+":dryRun", map[string]any{"action": "list_users"})
	h.Must(t, http.StatusOK, k, "POST", base+"/statuses", map[string]any{"name": "offline", "display_name": "Offline", "kind": "offline"})
	tpl := h.Must(t, http.StatusOK, k, "POST", base+"/rules:applyTemplate", map[string]any{"template": "aircall-zendesk", "direction": "both", "connections": conns})

	dead := &model.OutboxWrite{ID: "wr_dead", TenantID: f.tenantID, ConnectionID: conns["zendesk"], AgentID: f.agentID, ExternalID: "1",
		Status: "busy", VendorState: "away", CreateTime: time.Now(), NextAttemptTime: time.Now().Add(time.Hour)}
	if err := h.App.Store.EnqueueWrites(context.Background(), []*model.OutboxWrite{dead}); err != nil {
		t.Fatal(err)
	}
	if err := h.App.Store.MarkFailed(context.Background(), dead.ID, 10, time.Now(), "vendor answered 403", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.Must(t, http.StatusOK, k, "POST", base+"/writes/wr_dead:retry", map[string]any{})
	for _, r := range tpl["rules"].([]any) { // they use the status deleted below
		h.Must(t, http.StatusOK, k, "DELETE", base+"/rules/"+r.(map[string]any)["id"].(string), nil)
	}
	h.Must(t, http.StatusOK, k, "DELETE", base+"/rules/"+f.ruleID, nil)
	h.Must(t, http.StatusOK, k, "DELETE", base+"/agents/"+f.agentID, nil)
	h.Must(t, http.StatusOK, k, "DELETE", base+"/connections/"+f.connectionID, nil)
	h.Must(t, http.StatusOK, k, "DELETE", base+"/teams/"+f.teamID, nil)
	h.Must(t, http.StatusOK, k, "DELETE", base+"/statuses/"+f.statusID, nil)
	viewer := h.Must(t, http.StatusOK, k, "GET", base+"/api-keys", nil)["api_keys"].([]any)
	var viewerID string
	for _, v := range viewer {
		if v.(map[string]any)["role"] == "viewer" {
			viewerID = v.(map[string]any)["id"].(string)
		}
	}
	h.Must(t, http.StatusOK, k, "DELETE", base+"/api-keys/"+viewerID, nil)

	records := h.Must(t, http.StatusOK, k, "GET", base+"/audit-records?page_size=500", nil)["audit_records"].([]any)
	seen := map[string]map[string]any{}
	for _, r := range records {
		rec := r.(map[string]any)
		seen[rec["action"].(string)] = rec
		if !strings.HasPrefix(rec["actor"].(string), "api_key:ak_") && !strings.HasPrefix(rec["actor"].(string), "device:dv_") || rec["object_id"] == "" || rec["object_type"] == "" {
			t.Fatalf("incomplete audit record: %v", rec)
		}
	}
	for _, r := range routes(t) {
		if !r.mutating || r.rpc == "DeleteTenant" {
			continue // deleting the tenant removes where its trail is read; covered below
		}
		if seen[r.rpc] == nil {
			t.Errorf("no audit record for %s (have %v)", r.rpc, keys(seen))
		}
	}
	if got := seen["UpdateAgent"]["object_id"]; got != f.agentID {
		t.Errorf("UpdateAgent audited object %v, want %s", got, f.agentID)
	}
	if got := seen["UpdateTenant"]["actor"]; got != "api_key:"+f.adminKeyID {
		t.Errorf("UpdateTenant actor %v, want the tenant admin key", got)
	}

	// Reads leave no trace; the audit trail itself is read-only (no route writes it).
	before := len(records)
	h.Must(t, http.StatusOK, k, "GET", base+"/teams", nil)
	after := h.Must(t, http.StatusOK, k, "GET", base+"/audit-records?page_size=500", nil)["audit_records"].([]any)
	if len(after) != before {
		t.Fatalf("a read was audited: %d -> %d records", before, len(after))
	}
	h.Must(t, http.StatusOK, h.AdminKey, "DELETE", base, nil)
	var n int
	if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT COUNT(*) FROM audit_records WHERE action = 'DeleteTenant' AND object_id = ?"), f.tenantID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("DeleteTenant audit records: %d (%v)", n, err)
	}
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

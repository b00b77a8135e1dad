package ctl

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/aircallemu"
	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// TestSyncRunsCommands starts an agent sync against an Aircall emulator, waits for its report, then
// lists and reads the run; a second start on a disabled connection fails with the hub's reason.
func TestSyncRunsCommands(t *testing.T) {
	h := hubtest.Start(t)
	e := &e2e{t: t, hub: h, key: h.AdminKey}
	em := aircallemu.New(aircallemu.Options{RatePerMinute: -1})
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	ext := em.AddUser("Ada@acme.test", "Ada")
	em.AddUser("nobody@acme.test", "")
	e.ok("tenants", "create", "--name", "acme")
	with := func(args ...string) []string { return append([]string{"--tenant", "acme"}, args...) }
	e.ok(with("agents", "create", "--email", "ada@acme.test")...)
	var conn phv1.CreateConnectionResponse
	creds := em.Credentials()
	e.json(&conn, with("connections", "create", "--name", "aircall", "--vendor", "aircall", "--base-url", srv.URL,
		"--credential", "api_id="+creds["api_id"], "--credential", "api_token="+creds["api_token"], "--credential", "webhook_token="+creds["webhook_token"])...)
	connID := conn.GetConnection().GetId()

	var run phv1.GetSyncRunResponse
	e.json(&run, with("sync-runs", "start", connID, "--wait")...)
	r := run.GetSyncRun()
	if r.GetState() != "succeeded" || r.GetReport().GetLinked() != 1 || r.GetReport().GetUnmatchedVendor() != 1 {
		t.Fatalf("run %v", r)
	}
	var agents phv1.ListAgentsResponse
	e.json(&agents, with("agents", "list")...)
	if ids := agents.GetAgents()[0].GetIdentities(); len(ids) != 1 || ids[0].GetExternalId() != ext || ids[0].GetPinned() {
		t.Fatalf("identities after sync: %v", ids)
	}
	e.listBoth(r.GetId(), with("sync-runs", "list", connID)...)
	if out := e.ok(with("sync-runs", "get", connID, r.GetId())...); !strings.Contains(out, "1 vendor users, 0 agents") || !strings.Contains(out, "succeeded") {
		t.Errorf("run detail:\n%s", out)
	}

	e.ok(with("connections", "update", connID, "--enabled=false")...)
	_, errOut, code := e.run(with("sync-runs", "start", connID)...)
	if code != 1 || !strings.Contains(errOut, "disabled") {
		t.Fatalf("start on a disabled connection: exit %d: %s", code, errOut)
	}
	if r := h.Do(t, h.AdminKey, "GET", "/v1/tenants/acme/connections/"+connID+"/sync-runs/sr_nope", nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown run: %d", r.Status)
	}
}

package ctl

// The e2e test runs presencectl in-process against a real hub (hubtest: full app, fresh SQLite).

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

const e2eSecret = "zd-token-9f8e7d6c5b4a"

// e2e runs presencectl commands against one hub and keeps every output, to check for leaks.
type e2e struct {
	t       *testing.T
	hub     *hubtest.Hub
	key     string
	outputs []string
}

func (e *e2e) run(args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	stdout, stderr, code = runCLI(e.t, append([]string{"--hub", e.hub.URL, "--key", e.key}, args...)...)
	e.outputs = append(e.outputs, stdout, stderr)
	return stdout, stderr, code
}

// ok runs a command that must succeed and returns its stdout.
func (e *e2e) ok(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("presencectl %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// json runs a command with -o json and decodes its output into m.
func (e *e2e) json(m proto.Message, args ...string) {
	e.t.Helper()
	out := e.ok(append([]string{"-o", "json"}, args...)...)
	if err := protojson.Unmarshal([]byte(out), m); err != nil {
		e.t.Fatalf("presencectl %s: output is not %T: %v\n%s", strings.Join(args, " "), m, err, out)
	}
}

// listBoth lists in table and JSON form and checks both name want.
func (e *e2e) listBoth(want string, args ...string) {
	e.t.Helper()
	if out := e.ok(args...); !strings.Contains(out, want) {
		e.t.Errorf("%s (table) lacks %q:\n%s", strings.Join(args, " "), want, out)
	}
	if out := e.ok(append([]string{"-o", "json"}, args...)...); !strings.Contains(out, want) {
		e.t.Errorf("%s (json) lacks %q:\n%s", strings.Join(args, " "), want, out)
	}
}

func TestE2E(t *testing.T) {
	h := hubtest.Start(t)
	e := &e2e{t: t, hub: h, key: h.AdminKey}

	var tenant phv1.CreateTenantResponse
	e.json(&tenant, "tenants", "create", "--name", "acme", "--display-name", "Acme Inc.")
	if tenant.GetTenant().GetId() == "" || tenant.GetTenant().GetName() != "acme" {
		t.Fatalf("created tenant %v", tenant.GetTenant())
	}
	e.listBoth("acme", "tenants", "list")
	e.ok("tenants", "update", "acme", "--system-state-policy", "refuse")
	if out := e.ok("tenants", "get", "acme"); !strings.Contains(out, "refuse") || !strings.Contains(out, "Acme Inc.") {
		t.Errorf("tenant after update:\n%s", out)
	}
	ten := []string{"--tenant", "acme"}
	with := func(args ...string) []string { return append(append([]string(nil), ten...), args...) }

	var status phv1.CreateStatusResponse
	e.json(&status, with("statuses", "create", "--name", "lunch", "--display-name", "Lunch", "--kind", "away",
		"--color", "#f59e0b", "--settable=false", "--order", "3")...)
	if s := status.GetStatus(); s.GetId() == "" || s.GetAgentSettable() || s.GetOrder() != 3 {
		t.Errorf("created status %v", s)
	}
	e.listBoth("lunch", with("statuses", "list")...)
	var upd phv1.UpdateStatusResponse
	e.json(&upd, with("statuses", "update", status.GetStatus().GetId(), "--order", "0")...)
	if s := upd.GetStatus(); s.GetOrder() != 0 || s.GetColor() != "#f59e0b" || s.GetDisplayName() != "Lunch" {
		t.Errorf("partial update changed other fields or not order: %v", s)
	}

	var team phv1.CreateTeamResponse
	e.json(&team, with("teams", "create", "--name", "support", "--description", "Tier 1")...)
	teamID := team.GetTeam().GetId()
	e.listBoth("support", with("teams", "list")...)
	// Paging: with one team per page, list still follows next_page_token to the end.
	e.ok(with("teams", "create", "--name", "sales")...)
	var teams phv1.ListTeamsResponse
	e.json(&teams, with("teams", "list", "--page-size", "1")...)
	if len(teams.GetTeams()) != 2 || teams.GetNextPageToken() != "" {
		t.Errorf("paged team list: %v", &teams)
	}
	e.json(&teams, with("teams", "list", "--page-size", "1", "--all=false")...)
	if len(teams.GetTeams()) != 1 || teams.GetNextPageToken() == "" {
		t.Errorf("one page of teams: %v", &teams)
	}

	var agent phv1.CreateAgentResponse
	e.json(&agent, with("agents", "create", "--email", "ada@acme.test", "--display-name", "Ada", "--team", teamID)...)
	agentID := agent.GetAgent().GetId()
	e.listBoth("ada@acme.test", with("agents", "list")...)
	e.listBoth("ada@acme.test", with("agents", "list", "--team", teamID)...)

	var conn phv1.CreateConnectionResponse
	e.json(&conn, with("connections", "create", "--name", "zendesk", "--vendor", "zendesk",
		"--base-url", "https://acme.zendesk.com", "--setting", "subdomain=acme", "--setting", "email=ops@acme.test",
		"--credential", "api_token="+e2eSecret)...)
	connID := conn.GetConnection().GetId()
	if c := conn.GetConnection(); !c.GetCredentialsSet() || strings.Join(c.GetCredentialKeys(), ",") != "api_token" {
		t.Errorf("connection credentials: set=%v keys=%v", c.GetCredentialsSet(), c.GetCredentialKeys())
	}
	e.listBoth("api_token", with("connections", "list")...)
	e.ok(with("connections", "get", connID)...)
	e.ok(with("connections", "update", connID, "--enabled=false")...)

	var rule phv1.CreateRuleResponse
	e.json(&rule, with("rules", "create", "--name", "zendesk-support", "--connection", connID, "--team", teamID,
		"--inbound", "away=lunch", "--outbound", "lunch=away")...)
	ruleID := rule.GetRule().GetId()
	if r := rule.GetRule(); len(r.GetInbound()) != 1 || len(r.GetOutbound()) != 1 {
		t.Errorf("rule mappings %v", r)
	}
	e.listBoth("zendesk-support", with("rules", "list")...)
	e.listBoth("zendesk-support", with("rules", "list", "--connection", connID)...)
	if out := e.ok(with("rules", "get", ruleID)...); !strings.Contains(out, "away -> lunch") {
		t.Errorf("rule detail:\n%s", out)
	}

	var key phv1.CreateApiKeyResponse
	out, errOut, code := e.run(with("-o", "json", "keys", "create", "--name", "grafana", "--role", "viewer")...)
	if code != 0 {
		t.Fatalf("keys create: exit %d: %s", code, errOut)
	}
	if err := protojson.Unmarshal([]byte(out), &key); err != nil || key.GetSecret() == "" {
		t.Fatalf("keys create output %q: %v", out, err)
	}
	if !strings.Contains(errOut, "only time") {
		t.Errorf("no once-only warning: %q", errOut)
	}
	e.listBoth("grafana", with("keys", "list")...)
	if out := e.ok(with("keys", "list")...); strings.Contains(out, key.GetSecret()) {
		t.Error("keys list shows the secret")
	}

	// The viewer key reads but may not write.
	viewer := &e2e{t: t, hub: h, key: key.GetSecret()}
	viewer.ok(with("agents", "list")...)
	if _, errOut, code := viewer.run(with("teams", "create", "--name", "x")...); code != ExitFailure ||
		!strings.Contains(errOut, "HTTP 403") {
		t.Errorf("viewer write: exit %d stderr %q", code, errOut)
	}

	// A validation error names the field and exits 1.
	out, errOut, code = e.run(with("agents", "create", "--email", "not-an-email")...)
	if code != ExitFailure || out != "" || !strings.Contains(errOut, "HTTP 400") || !strings.Contains(errOut, "  - email: ") {
		t.Errorf("invalid agent: exit %d stdout %q stderr %q", code, out, errOut)
	}

	e.listBoth("CreateAgent", with("audit", "list")...)
	e.listBoth(agentID, with("audit", "list", "--object", agentID)...)

	e.ok(with("keys", "delete", key.GetApiKey().GetId())...)
	e.ok(with("rules", "delete", ruleID)...)
	e.ok(with("connections", "delete", connID)...)
	e.ok(with("agents", "delete", agentID)...)
	e.ok(with("teams", "delete", teamID)...)
	e.ok(with("statuses", "delete", status.GetStatus().GetId())...)
	if _, errOut, code := e.run(with("agents", "get", agentID)...); code != ExitFailure || !strings.Contains(errOut, "HTTP 404") {
		t.Errorf("deleted agent: exit %d stderr %q", code, errOut)
	}
	e.ok("tenants", "delete", "acme")

	for _, o := range e.outputs {
		if strings.Contains(o, e2eSecret) {
			t.Fatalf("a command printed the connection secret:\n%s", o)
		}
	}
}

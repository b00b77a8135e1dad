package ctl

// These tests run presencectl in-process against a real hub (hubtest: full app, fresh SQLite) and
// check what the commands did on the hub, not what they sent.

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// runCLI runs presencectl in-process with a clean environment.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	for _, e := range []string{EnvHub, EnvKey, EnvTenant} {
		t.Setenv(e, "")
	}
	var out, errOut strings.Builder
	code = Run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// hubCLI runs presencectl against h with key.
func hubCLI(t *testing.T, h *hubtest.Hub, key string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCLI(t, append([]string{"--hub", h.URL, "--key", key}, args...)...)
}

// mustCLI runs presencectl against h with the hub-wide admin key; the command must succeed.
func mustCLI(t *testing.T, h *hubtest.Hub, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, code := hubCLI(t, h, h.AdminKey, args...)
	if code != 0 {
		t.Fatalf("presencectl %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out, errOut
}

// createdID posts body to path with the hub-wide admin key and returns the id of the created object,
// found under field of the answer.
func createdID(t *testing.T, h *hubtest.Hub, path, field string, body any) string {
	t.Helper()
	obj, _ := h.Must(t, http.StatusOK, h.AdminKey, http.MethodPost, path, body)[field].(map[string]any)
	id, _ := obj["id"].(string)
	if id == "" {
		t.Fatalf("POST %s: no %s.id in the answer", path, field)
	}
	return id
}

// newTenant creates the tenant name and returns its id.
func newTenant(t *testing.T, h *hubtest.Hub, name string) string {
	t.Helper()
	return createdID(t, h, "/v1/tenants", "tenant", map[string]any{"name": name})
}

// hubGet reads path with the hub-wide admin key into m.
func hubGet(t *testing.T, h *hubtest.Hub, path string, m proto.Message) {
	t.Helper()
	r := h.Do(t, h.AdminKey, http.MethodGet, path, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, r.Status, r.Body)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(r.Body, m); err != nil {
		t.Fatalf("GET %s: decoding %s: %v", path, r.Body, err)
	}
}

// keyLastUse returns the stored last-use time of the API key id (0: never used).
func keyLastUse(t *testing.T, h *hubtest.Hub, id string) int64 {
	t.Helper()
	var lu int64
	if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT last_use_time FROM api_keys WHERE id = ?"), id).Scan(&lu); err != nil {
		t.Fatalf("reading api key %s: %v", id, err)
	}
	return lu
}

// count returns the result of a SELECT COUNT(*) query.
func count(t *testing.T, st *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.SQL().QueryRow(st.Rebind(query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestUpdateSendsOnlyChangedFields(t *testing.T) {
	h := hubtest.Start(t)
	newTenant(t, h, "acme")
	id := createdID(t, h, "/v1/tenants/acme/statuses", "status", map[string]any{
		"name": "lunch", "display_name": "Lunch", "kind": "away", "color": "#f59e0b", "order": 3,
	})
	path := "/v1/tenants/acme/statuses/" + id
	get := func() *phv1.Status {
		var r phv1.GetStatusResponse
		hubGet(t, h, path, &r)
		return r.GetStatus()
	}

	// A zero value given on the command line is written; everything else keeps its value.
	out, _ := mustCLI(t, h, "-t", "acme", "statuses", "update", id, "--order", "0")
	if !strings.Contains(out, id) || !strings.Contains(out, "Agent settable:") {
		t.Errorf("output:\n%s", out)
	}
	s := get()
	if s.GetOrder() != 0 || s.GetName() != "lunch" || s.GetDisplayName() != "Lunch" || s.GetKind() != "away" ||
		s.GetColor() != "#f59e0b" || !s.GetAgentSettable() {
		t.Errorf("after --order 0: %v", s)
	}

	// An explicit false is written too, and the earlier update stays.
	mustCLI(t, h, "-t", "acme", "statuses", "update", id, "--color", "#000000", "--settable=false")
	s = get()
	if s.GetColor() != "#000000" || s.GetAgentSettable() || s.GetOrder() != 0 || s.GetDisplayName() != "Lunch" {
		t.Errorf("after --color --settable=false: %v", s)
	}

	_, errOut, code := runCLI(t, "--hub", h.URL, "--key", h.AdminKey, "-t", "acme", "statuses", "update", id)
	if code != ExitUsage || !strings.Contains(errOut, "nothing to update") {
		t.Errorf("no flags: exit %d, stderr %q", code, errOut)
	}
	if after := get(); !proto.Equal(after, s) {
		t.Errorf("an update without flags changed the status:\n%v\n%v", s, after)
	}
}

func TestTenantUpdateNestedSettings(t *testing.T) {
	h := hubtest.Start(t)
	h.Must(t, http.StatusOK, h.AdminKey, http.MethodPost, "/v1/tenants", map[string]any{
		"name": "acme", "display_name": "Acme Inc.", "settings": map[string]any{"max_changes_per_minute": 7},
	})
	mustCLI(t, h, "tenants", "update", "acme", "--system-state-policy", "refuse")

	var r phv1.GetTenantResponse
	hubGet(t, h, "/v1/tenants/acme", &r)
	tn := r.GetTenant()
	if st := tn.GetSettings(); st.GetSystemStatePolicy() != "refuse" || st.GetMaxChangesPerMinute() != 7 {
		t.Errorf("settings after update: %v", st)
	}
	if tn.GetName() != "acme" || tn.GetDisplayName() != "Acme Inc." {
		t.Errorf("tenant after update: %v", tn)
	}
}

func TestListFollowsPages(t *testing.T) {
	h := hubtest.Start(t)
	newTenant(t, h, "acme")
	var ids []string
	for _, name := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
		ids = append(ids, createdID(t, h, "/v1/tenants/acme/teams", "team", map[string]any{"name": name}))
	}

	// Table: every team once, over pages of two.
	out, _ := mustCLI(t, h, "-t", "acme", "teams", "list", "--page-size", "2")
	if !strings.HasPrefix(out, "ID") {
		t.Errorf("table without header:\n%s", out)
	}
	for _, id := range ids {
		if n := strings.Count(out, id); n != 1 {
			t.Errorf("table lists %s %d times:\n%s", id, n, out)
		}
	}

	list := func(args ...string) (teams []string, next string) {
		t.Helper()
		out, errOut := mustCLI(t, h, append([]string{"-t", "acme", "-o", "json", "teams", "list"}, args...)...)
		if errOut != "" {
			t.Errorf("json mode wrote to stderr: %q", errOut)
		}
		var resp phv1.ListTeamsResponse
		if err := protojson.Unmarshal([]byte(out), &resp); err != nil {
			t.Fatalf("json output %q: %v", out, err)
		}
		for _, tm := range resp.GetTeams() {
			teams = append(teams, tm.GetId())
		}
		return teams, resp.GetNextPageToken()
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

	all, next := list("--page-size", "2")
	if !slices.Equal(sorted(all), sorted(ids)) || next != "" {
		t.Errorf("json, all pages: %v next %q, want %v", all, next, ids)
	}

	// --all=false stops after one page and hands out its token, which --page-token continues from.
	first, next := list("--all=false", "--page-size", "2")
	if len(first) != 2 || next == "" {
		t.Fatalf("one page: %v next %q", first, next)
	}
	rest, last := list("--page-token", next, "--page-size", "2")
	if got := append(slices.Clone(first), rest...); !slices.Equal(sorted(got), sorted(ids)) || last != "" {
		t.Errorf("first page %v + rest %v (next %q), want each of %v once", first, rest, last, ids)
	}
}

func TestListFilters(t *testing.T) {
	h := hubtest.Start(t)
	newTenant(t, h, "acme")
	teams := "/v1/tenants/acme/teams"
	support := createdID(t, h, teams, "team", map[string]any{"name": "support"})
	sales := createdID(t, h, teams, "team", map[string]any{"name": "sales"})
	empty := createdID(t, h, teams, "team", map[string]any{"name": "empty"})
	agents := "/v1/tenants/acme/agents"
	createdID(t, h, agents, "agent", map[string]any{"email": "ada@acme.test", "team_ids": []string{support}})
	createdID(t, h, agents, "agent", map[string]any{"email": "bob@acme.test", "team_ids": []string{sales}})
	createdID(t, h, agents, "agent", map[string]any{"email": "cy@acme.test"})

	out, _ := mustCLI(t, h, "-t", "acme", "agents", "list", "--team", support)
	if !strings.Contains(out, "ada@acme.test") || strings.Contains(out, "bob@") || strings.Contains(out, "cy@") {
		t.Errorf("agents of team support:\n%s", out)
	}

	out, errOut := mustCLI(t, h, "-t", "acme", "agents", "list", "--team", empty)
	if out != "" || !strings.Contains(errOut, "No agents found.") {
		t.Errorf("empty team: stdout %q stderr %q", out, errOut)
	}
}

func TestAPIErrorExitCode(t *testing.T) {
	h := hubtest.Start(t)
	tenantID := newTenant(t, h, "acme")
	out, errOut, code := hubCLI(t, h, h.AdminKey, "-t", "acme", "agents", "create", "--email", "nope")
	if code != ExitFailure {
		t.Errorf("exit %d, want 1", code)
	}
	if out != "" || !strings.Contains(errOut, "(HTTP 400, InvalidArgument)") ||
		!strings.Contains(errOut, "  - email: must be an email address") {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	if n := count(t, h.App.Store, "SELECT COUNT(*) FROM agents WHERE tenant_id = ?", tenantID); n != 0 {
		t.Errorf("the hub stored %d agents", n)
	}
}

func TestMissingTenantIsUsageError(t *testing.T) {
	h := hubtest.Start(t)
	newTenant(t, h, "acme")
	// A fresh key records its first use, which tells whether presencectl reached the hub.
	k := h.Must(t, http.StatusOK, h.AdminKey, http.MethodPost, "/v1/api-keys", map[string]any{"name": "probe", "role": "viewer"})
	keyID, _ := k["api_key"].(map[string]any)["id"].(string)
	secret, _ := k["secret"].(string)

	_, errOut, code := hubCLI(t, h, secret, "rules", "list")
	if code != ExitUsage || !strings.Contains(errOut, "--tenant") {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
	if lu := keyLastUse(t, h, keyID); lu != 0 {
		t.Errorf("presencectl called the hub without a tenant (key used at %d)", lu)
	}

	// With a tenant the same command reaches the hub, and the key shows its use.
	if _, errOut, code := hubCLI(t, h, secret, "-t", "acme", "rules", "list"); code != 0 {
		t.Fatalf("with tenant: exit %d: %s", code, errOut)
	}
	if keyLastUse(t, h, keyID) == 0 {
		t.Error("the key's use was not recorded; the check above proves nothing")
	}
}

func TestEnvironment(t *testing.T) {
	h := hubtest.Start(t)
	newTenant(t, h, "env-tenant")
	base := "/v1/tenants/env-tenant"
	conn := func(name string) string {
		return createdID(t, h, base+"/connections", "connection", map[string]any{
			"name": name, "vendor": "aircall", "base_url": "https://" + name + ".example",
		})
	}
	cnA, cnB := conn("cn-a"), conn("cn-b")
	createdID(t, h, base+"/rules", "rule", map[string]any{"name": "rule-a", "connection_id": cnA})
	createdID(t, h, base+"/rules", "rule", map[string]any{"name": "rule-b", "connection_id": cnB})
	k := h.Must(t, http.StatusOK, h.AdminKey, http.MethodPost, base+"/api-keys", map[string]any{"name": "env", "role": "viewer"})
	keyID, _ := k["api_key"].(map[string]any)["id"].(string)
	secret, _ := k["secret"].(string)

	t.Setenv(EnvHub, h.URL)
	t.Setenv(EnvKey, secret)
	t.Setenv(EnvTenant, "env-tenant")
	var out, errOut strings.Builder
	if code := Run(context.Background(), []string{"rules", "list", "--connection", cnA}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "rule-a") || strings.Contains(out.String(), "rule-b") {
		t.Errorf("rules of %s:\n%s", cnA, out.String())
	}
	if keyLastUse(t, h, keyID) == 0 {
		t.Errorf("the key from %s was not used", EnvKey)
	}
	// The key must not leak into help text.
	out.Reset()
	Run(context.Background(), []string{"--help"}, &out, &errOut)
	if strings.Contains(out.String(), secret) {
		t.Error("help shows the API key")
	}
}

// secretLine finds the secret in the table output of keys create.
var secretLine = regexp.MustCompile(`(?m)^Secret:\s+(\S+)\s*$`)

func TestKeysCreate(t *testing.T) {
	h := hubtest.Start(t)
	tenantID := newTenant(t, h, "acme")
	db := h.App.Store

	// A hub-wide admin key: printed once, stored without a tenant, and it works as one.
	out, errOut := mustCLI(t, h, "keys", "create", "--hub-wide", "--name", "ops", "--role", "admin")
	m := secretLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(errOut, "only time") {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
	ops := m[1]
	if n := count(t, db, "SELECT COUNT(*) FROM api_keys WHERE name = 'ops' AND role = 'admin' AND tenant_id IS NULL"); n != 1 {
		t.Errorf("%d hub-wide admin keys named ops", n)
	}
	h.Must(t, http.StatusOK, ops, http.MethodGet, "/v1/api-keys", nil)
	h.Must(t, http.StatusOK, ops, http.MethodPost, "/v1/tenants/acme/teams", map[string]any{"name": "by-ops"})

	// A tenant key, viewer by default: reads its tenant only.
	out, _ = mustCLI(t, h, "-o", "json", "-t", "acme", "keys", "create", "--name", "g")
	var created phv1.CreateApiKeyResponse
	if err := protojson.Unmarshal([]byte(out), &created); err != nil || created.GetSecret() == "" {
		t.Fatalf("json output %q: %v", out, err)
	}
	if k := created.GetApiKey(); k.GetTenantId() != tenantID || k.GetRole() != "viewer" || k.GetName() != "g" {
		t.Errorf("created key %v", k)
	}
	g := created.GetSecret()
	h.Must(t, http.StatusOK, g, http.MethodGet, "/v1/tenants/acme/teams", nil)
	if r := h.Do(t, g, http.MethodPost, "/v1/tenants/acme/teams", map[string]any{"name": "by-g"}); r.Status != http.StatusForbidden {
		t.Errorf("viewer key wrote: status %d", r.Status)
	}
	if r := h.Do(t, g, http.MethodGet, "/v1/api-keys", nil); r.Status != http.StatusForbidden {
		t.Errorf("tenant key listed hub-wide keys: status %d", r.Status)
	}

	keys := count(t, db, "SELECT COUNT(*) FROM api_keys")
	for _, args := range [][]string{
		{"keys", "create", "--role", "owner", "-t", "acme"},
		{"keys", "create", "--hub-wide", "-t", "acme"},
		{"keys", "list", "--hub-wide", "-t", "acme"},
		{"keys", "list"},
	} {
		if _, errOut, code := hubCLI(t, h, h.AdminKey, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM api_keys"); n != keys {
		t.Errorf("usage errors created %d keys", n-keys)
	}
}

func TestConnectionCredentialsNeverPrinted(t *testing.T) {
	h := hubtest.Start(t)
	tenantID := newTenant(t, h, "acme")

	for _, format := range []string{"table", "json"} {
		name := "zd-" + format
		out, errOut, code := hubCLI(t, h, h.AdminKey, "-t", "acme", "-o", format, "connections", "create",
			"--name", name, "--vendor", "zendesk", "--base-url", "https://acme.zendesk.com",
			"--setting", "subdomain=acme", "--credential", "api_token=TOPSECRET")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		list, _ := mustCLI(t, h, "-t", "acme", "-o", format, "connections", "list")
		for _, s := range []string{out, errOut, list} {
			if strings.Contains(s, "TOPSECRET") {
				t.Errorf("%s output leaks the credential:\n%s", format, s)
			}
		}
		if !strings.Contains(out, "api_token") || !strings.Contains(list, "api_token") {
			t.Errorf("%s output lacks the credential key:\n%s\n%s", format, out, list)
		}

		// The hub got the connection as given, with the credential sealed.
		var id string
		if err := h.App.Store.SQL().QueryRow(h.App.Store.Rebind("SELECT id FROM connections WHERE tenant_id = ? AND name = ?"), tenantID, name).Scan(&id); err != nil {
			t.Fatalf("%s: connection not stored: %v", format, err)
		}
		var got phv1.GetConnectionResponse
		hubGet(t, h, "/v1/tenants/acme/connections/"+id, &got)
		if c := got.GetConnection(); c.GetVendor() != "zendesk" || c.GetSettings()["subdomain"] != "acme" ||
			len(c.GetSettings()) != 1 || !c.GetCredentialsSet() || !slices.Equal(c.GetCredentialKeys(), []string{"api_token"}) {
			t.Errorf("%s: stored connection %v", format, c)
		}
		sealed, err := h.App.Store.ConnectionSecret(t.Context(), tenantID, id)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := h.App.Sealer.Open(sealed.KeyID, sealed.Sealed, seal.ConnectionOwner(tenantID, id))
		if err != nil {
			t.Fatalf("%s: opening the credentials: %v", format, err)
		}
		var creds map[string]string
		if err := json.Unmarshal(plain, &creds); err != nil || len(creds) != 1 || creds["api_token"] != "TOPSECRET" {
			t.Errorf("%s: stored credentials %v (%v)", format, creds, err)
		}
	}
}

func TestUnreachableHub(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	_, errOut, code := runCLI(t, "--hub", url, "tenants", "list")
	if code != ExitFailure || !strings.Contains(errOut, "cannot reach the hub") {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
}

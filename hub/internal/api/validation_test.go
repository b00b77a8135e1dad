package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// assertViolations checks a 400 whose field violations name exactly the fields given.
func assertViolations(t *testing.T, resp hubtest.Response, fields ...string) {
	t.Helper()
	if resp.Status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400: %s", resp.Status, resp.Body)
	}
	var body struct {
		Details []struct {
			FieldViolations []struct {
				Field       string `json:"field"`
				Description string `json:"description"`
			} `json:"field_violations"`
		} `json:"details"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatalf("decoding %s: %v", resp.Body, err)
	}
	var got []string
	for _, d := range body.Details {
		for _, v := range d.FieldViolations {
			if v.Description == "" {
				t.Errorf("violation of %s has no description", v.Field)
			}
			got = append(got, v.Field)
		}
	}
	slices.Sort(got)
	want := slices.Clone(fields)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("violations %v, want %v (body %s)", got, want, resp.Body)
	}
}

func TestValidationNamesEveryBadField(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	cases := []struct {
		name, method, path string
		body               string
		fields             []string
	}{
		{"tenant", "POST", "/v1/tenants", `{"name":"Not A Slug!","settings":{"system_state_policy":"maybe","max_changes_per_minute":-1}}`,
			[]string{"name", "settings.system_state_policy", "settings.max_changes_per_minute"}},
		{"tenant update", "PATCH", base, `{"settings":{"default_unavailable_status":"ghost"}}`, []string{"settings.default_unavailable_status"}},
		{"status", "POST", base + "/statuses", `{"kind":"happy","color":"red"}`, []string{"name", "display_name", "kind", "color"}},
		{"status reserved name", "POST", base + "/statuses", `{"name":"previous","kind":"busy"}`, []string{"name"}},
		{"status update", "PATCH", base + "/statuses/" + f.statusID, `{"kind":"","order":-4}`, []string{"kind", "order"}},
		{"status role of a non-system status", "POST", base + "/statuses", `{"name":"x","kind":"away","system_role":"on_call"}`, []string{"system_role"}},
		{"status unknown role", "POST", base + "/statuses", `{"name":"y","kind":"system","system_role":"lunch"}`, []string{"system_role"}},
		{"team", "POST", base + "/teams", `{"name":""}`, []string{"name"}},
		{"agent", "POST", base + "/agents", `{"email":"not-an-email","team_ids":["tm_missing",""],"identities":[{"connection_id":"","external_id":""}]}`,
			[]string{"email", "team_ids[0]", "team_ids[1]", "identities[0].connection_id", "identities[0].external_id"}},
		{"agent duplicate identity", "POST", base + "/agents", `{"email":"x@acme.example","identities":[{"connection_id":"` + f.connectionID + `","external_id":"1"},{"connection_id":"` + f.connectionID + `","external_id":"2"}]}`,
			[]string{"identities[1].connection_id"}},
		{"connection", "POST", base + "/connections", `{"name":"z","vendor":"myspace","base_url":"ftp://x","credentials":{"token":""}}`,
			[]string{"vendor", "base_url", "credentials[token]"}},
		{"rule", "POST", base + "/rules", `{"name":"r","connection_id":"cn_nope","inbound":[{"vendor_state":"","status":"ghost"},{"vendor_state":"a","status":"previous"},{"vendor_state":"a","status":"busy"}],"outbound":[{"status":"previous","vendor_state":"x"}],"fallback_status":"nope"}`,
			[]string{"connection_id", "inbound[0].vendor_state", "inbound[0].status", "inbound[2].vendor_state", "outbound[0].status", "fallback_status"}},
		{"rule skipping validation without a default unavailable", "POST", base + "/rules", `{"name":"r2","connection_id":"` + f.connectionID + `","outbound":[{"status":"busy","vendor_state":"unavailable"}],"skip_unavailable_validation":true}`,
			[]string{"skip_unavailable_validation"}},
		{"api key", "POST", base + "/api-keys", `{"name":"","role":"root"}`, []string{"name", "role"}},
		{"negative page size", "GET", base + "/agents?page_size=-1", ``, []string{"page_size"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := f.adminKey
			if c.path == "/v1/tenants" {
				key = h.AdminKey
			}
			assertViolations(t, h.Do(t, key, c.method, c.path, c.body), c.fields...)
		})
	}
}

func TestCallerMistakesGetClearStatuses(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base := "/v1/tenants/" + f.tenantID
	cases := []struct {
		name, method, path, body string
		want                     int
	}{
		{"unknown JSON field", "POST", base + "/teams", `{"nmae":"x"}`, 400},
		{"malformed JSON", "POST", base + "/teams", `{"name":`, 400},
		{"wrong JSON type", "POST", base + "/teams", `{"name":42}`, 400},
		{"bad page token", "GET", base + "/teams?page_token=garbage", ``, 400},
		{"unknown tenant", "GET", "/v1/tenants/nosuch/teams", ``, 404},
		{"unknown team", "GET", base + "/teams/tm_01nosuch", ``, 404},
		{"unknown agent update", "PATCH", base + "/agents/ag_01nosuch", `{"display_name":"x"}`, 404},
		{"unknown rule delete", "DELETE", base + "/rules/ru_01nosuch", ``, 404},
		{"unknown route", "GET", "/v1/nothing-here", ``, 404},
		{"duplicate tenant", "POST", "/v1/tenants", `{"name":"acme"}`, 409},
		{"duplicate status", "POST", base + "/statuses", `{"name":"available","kind":"available"}`, 409},
		{"duplicate team", "POST", base + "/teams", `{"name":"Support"}`, 409},
		{"duplicate agent email, other case", "POST", base + "/agents", `{"email":" ALICE@acme.example "}`, 409},
		{"duplicate connection", "POST", base + "/connections", `{"name":"aircall","vendor":"aircall","base_url":"https://api.aircall.io"}`, 409},
		{"duplicate rule name", "POST", base + "/rules", `{"name":"aircall-sync","connection_id":"` + f.connectionID + `"}`, 409},
		{"team already has a rule for the connection", "POST", base + "/rules", `{"name":"second","connection_id":"` + f.connectionID + `","team_ids":["` + f.teamID + `"]}`, 409},
		{"connection used by a rule", "DELETE", base + "/connections/" + f.connectionID, ``, 409},
		{"status used by a rule", "DELETE", base + "/statuses/" + f.statusID, ``, 409},
		{"renaming a status used by a rule", "PATCH", base + "/statuses/" + f.statusID, `{"name":"ready"}`, 409},
		{"a system role another status has", "POST", base + "/statuses", `{"name":"talking","kind":"system","system_role":"on_call"}`, 409},
	}
	h.Must(t, http.StatusOK, f.adminKey, "POST", base+"/statuses", map[string]any{"name": "on-call", "kind": "system", "system_role": "on_call"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := f.adminKey
			if c.path == "/v1/tenants" {
				key = h.AdminKey
			}
			resp := h.Do(t, key, c.method, c.path, c.body)
			if resp.Status != c.want {
				t.Fatalf("status %d, want %d: %s", resp.Status, c.want, resp.Body)
			}
			if m := resp.JSON(t); m["message"] == "" || m["message"] == "internal error" {
				t.Fatalf("unclear message: %s", resp.Body)
			}
		})
	}
	if logs := h.Logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Fatalf("caller mistakes were logged as errors:\n%s", logs)
	}
}

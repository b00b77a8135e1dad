package ctl

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
)

// Pairing at scale: one code per agent of a team as CSV; every code pairs a tray; offboarding revokes
// the agent's trays.
func TestPairingCodesCSVAndRevokeDevices(t *testing.T) {
	h := hubtest.Start(t)
	tn := newTenant(t, h, "acme")
	base := "/v1/tenants/" + tn
	team := createdID(t, h, base+"/teams", "team", map[string]any{"name": "Support"})
	ada := createdID(t, h, base+"/agents", "agent", map[string]any{"email": "ada@acme.test", "display_name": "Ada, L.", "team_ids": []string{team}})
	bob := createdID(t, h, base+"/agents", "agent", map[string]any{"email": "bob@acme.test", "team_ids": []string{team}})
	createdID(t, h, base+"/agents", "agent", map[string]any{"email": "eve@acme.test"}) // not in the team

	out, errOut := mustCLI(t, h, "-t", "acme", "agents", "pairing-codes", "--team", team, "--ttl", "2h")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != "agent_id,email,display_name,pairing_code,expire_time" {
		t.Fatalf("want a header and two agents:\n%s", out)
	}
	if !strings.Contains(errOut, "Issued 2 pairing codes") {
		t.Errorf("stderr %q", errOut)
	}
	codes := map[string]string{}
	for _, r := range rows[1:] {
		exp, err := time.Parse(time.RFC3339, r[4])
		if err != nil || time.Until(exp) < 119*time.Minute || time.Until(exp) > 121*time.Minute {
			t.Errorf("expire_time %q, want about 2h from now", r[4])
		}
		codes[r[0]] = r[3]
		if r[0] == ada && (r[1] != "ada@acme.test" || r[2] != "Ada, L.") {
			t.Errorf("ada's row %q", r)
		}
	}
	if codes[ada] == "" || codes[bob] == "" || codes[ada] == codes[bob] {
		t.Fatalf("codes %v", codes)
	}
	token := h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": codes[ada], "device_name": "ada-laptop"})["device_token"].(string)
	h.Must(t, http.StatusOK, "", "POST", "/v1/pair", map[string]any{"code": codes[bob]})

	// Named agents instead of a team.
	out, _ = mustCLI(t, h, "-t", "acme", "agents", "pairing-codes", bob)
	if rows, _ := csv.NewReader(strings.NewReader(out)).ReadAll(); len(rows) != 2 || rows[1][0] != bob {
		t.Fatalf("named agent:\n%s", out)
	}
	for _, args := range [][]string{{}, {"--team", team, bob}, {"--team", team, "--ttl", "25h"}, {"--team", team, "--ttl", "1500ms"}} {
		if _, _, code := hubCLI(t, h, h.AdminKey, append([]string{"-t", "acme", "agents", "pairing-codes"}, args...)...); code != ExitUsage {
			t.Errorf("pairing-codes %q: exit %d, want usage error", args, code)
		}
	}

	// Offboarding: list ada's trays, revoke them; the token stops working.
	out, _ = mustCLI(t, h, "-t", "acme", "agents", "devices", ada)
	if !strings.Contains(out, "ada-laptop") {
		t.Fatalf("devices:\n%s", out)
	}
	out, _ = mustCLI(t, h, "-t", "acme", "agents", "revoke-devices", ada)
	if strings.TrimSpace(out) != "Revoked 1 device." {
		t.Fatalf("revoke-devices: %q", out)
	}
	if r := h.Do(t, token, "POST", "/v1/sign-out", map[string]any{}); r.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked tray's token still works: %d", r.Status)
	}
	if out, _ = mustCLI(t, h, "-t", "acme", "agents", "revoke-devices", ada); strings.TrimSpace(out) != "No paired devices: nothing to revoke." {
		t.Fatalf("second revoke-devices: %q", out)
	}
}

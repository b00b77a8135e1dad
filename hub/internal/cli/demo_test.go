package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator/emulators"
	"presencehub.dev/shared/testwait"
)

func TestDemoSeedsATenantAndWritesDemoJSON(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	out, stop := run(t, addr, "demo", "--listen", addr, "--data-dir", dir)
	info, err := demo.ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.HubURL != "http://"+addr || info.AdminKey == "" || info.TenantID == "" || len(info.AgentIDs) != 3 {
		t.Fatalf("demo.json: %+v", info)
	}
	fi, _ := os.Stat(filepath.Join(dir, demo.FileName))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo.json mode %v", fi.Mode().Perm())
	}
	code, body := get(t, info.HubURL+"/v1/tenants/"+info.TenantID+"/agents", info.AdminKey)
	var agents struct{ Agents []map[string]any }
	if code != 200 || json.Unmarshal(body, &agents) != nil || len(agents.Agents) != 3 {
		t.Fatalf("demo agents: %d %s", code, body)
	}
	if code, body := get(t, info.HubURL+"/v1/tenants/demo/rules", info.AdminKey); code != 200 || len(body) < 100 {
		t.Fatalf("demo rule: %d %s", code, body)
	}
	paired := postJSON(t, info.HubURL+"/v1/pair", `{"code":"`+info.PairingCode+`"}`)
	if paired["device_token"] == nil || info.PairingAgentID != info.AgentIDs[0] {
		t.Fatalf("demo pairing code does not pair: %v", paired)
	}
	if !json.Valid(mustRead(t, filepath.Join(dir, demo.FileName))) || len(out.String()) == 0 {
		t.Fatal("demo printed nothing or wrote bad JSON")
	}
	stop()

	// A second run reuses the tenant and the key.
	_, _ = run(t, addr, "demo", "--listen", addr, "--data-dir", dir)
	again, err := demo.ReadInfo(dir)
	if err != nil || again.AdminKey != info.AdminKey || again.TenantID != info.TenantID {
		t.Fatalf("second run changed demo.json: %+v", again)
	}
	if code, _ := get(t, info.HubURL+"/v1/tenants", info.AdminKey); code != 200 {
		t.Fatal("admin key lost on restart")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postJSON(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m
}

func TestDemoIsWiredToTheVendorEmulators(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	_, _ = run(t, addr, "demo", "--listen", addr, "--data-dir", dir)
	info, err := demo.ReadInfo(dir)
	if err != nil || len(info.Emulators) != len(emulators.Vendors()) {
		t.Fatalf("demo.json emulators: %+v, %v", info.Emulators, err)
	}
	em := map[string]demo.EmulatorInfo{}
	for _, e := range info.Emulators {
		em[e.Vendor] = e
	}
	ac, zd := em["aircall"], em["zendesk"]
	email := "alice@demo.example"
	if ac.Users[email] == "" || zd.Users[email] == "" {
		t.Fatalf("demo agent %s not in both emulators: %+v", email, info.Emulators)
	}
	for _, v := range []string{"salesforce", "cxone"} {
		if e := em[v]; e.Users[email] == "" || !e.Polled || e.ConnectionID == "" {
			t.Errorf("%s in demo.json: %+v; want the agent linked on a polled connection", v, e)
		}
	}
	// Seed 001: agent sync linked the agent to the punch clock's user (its email under punch_clock_email).
	pc := em["http"]
	if !pc.AgentSync || pc.Users[email] == "" {
		t.Fatalf("http (punch clock) in demo.json: %+v", pc)
	}
	defer func() {
		if t.Failed() {
			_, runs := get(t, info.HubURL+"/v1/tenants/demo/connections/"+pc.ConnectionID+"/sync-runs", info.AdminKey)
			_, cn := get(t, info.HubURL+"/v1/tenants/demo/connections/"+pc.ConnectionID, info.AdminKey)
			t.Logf("runs %s\nconn %.600s", runs, cn)
		}
	}()
	testwait.For(t, "the punch-clock link made by agent sync", func() bool {
		_, body := get(t, info.HubURL+"/v1/tenants/demo/agents", info.AdminKey)
		var got struct {
			Agents []struct {
				Email      string
				Identities []struct {
					ConnectionID string `json:"connection_id"`
					ExternalID   string `json:"external_id"`
				}
			}
		}
		_ = json.Unmarshal(body, &got)
		for _, a := range got.Agents {
			for _, id := range a.Identities {
				if a.Email == email && id.ConnectionID == pc.ConnectionID && id.ExternalID == pc.Users[email] {
					return true
				}
			}
		}
		return false
	})
	// The agent goes Unavailable then Available "in Aircall", through Aircall's own API.
	for _, s := range []string{"unavailable", "available"} {
		req, _ := http.NewRequest("PUT", ac.BaseURL+"/v1/users/"+ac.Users[email], strings.NewReader(`{"availability_status":"`+s+`"}`))
		req.SetBasicAuth(ac.Credentials["api_id"], ac.Credentials["api_token"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("aircall PUT %s: %v %v", s, resp, err)
		}
		resp.Body.Close()
	}
	// Zendesk, read through its own API, follows: online.
	testwait.Seen(t, testwait.Default, "zendesk online after the Aircall change", func() (bool, string) {
		req, _ := http.NewRequest("GET", zd.BaseURL+"/api/v2/agent_availabilities/"+zd.Users[email], nil)
		req.SetBasicAuth(zd.Credentials["email"]+"/token", zd.Credentials["api_token"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Data struct {
				Attributes struct {
					AgentStatus struct{ Name string } `json:"agent_status"`
				}
			}
		}
		_ = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		return got.Data.Attributes.AgentStatus.Name == "online", "agent status " + got.Data.Attributes.AgentStatus.Name
	})
	// Available punched the agent in at the punch clock, with the external id agent sync linked.
	testwait.For(t, "a punch in", func() bool {
		req, _ := http.NewRequest("GET", pc.BaseURL+"/users/"+pc.Users[email]+"/punch-clock", nil)
		req.Header.Set("Authorization", "Bearer "+pc.Credentials["api_token"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct{ Punches []struct{ Action string } }
		_ = json.NewDecoder(resp.Body).Decode(&got)
		return len(got.Punches) > 0 && got.Punches[len(got.Punches)-1].Action == "in"
	})
}

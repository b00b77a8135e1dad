package cli

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/demo"
	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/emulators"
)

// TestDemoPrintsTheAgentSideAndItWorks: the demo prints one agent's-side curl per vendor, and the
// Talkdesk one, run against a live emulator, puts the agent On a call.
func TestDemoPrintsTheAgentSideAndItWorks(t *testing.T) {
	var info demo.Info
	var talkdesk *emulators.Running
	for _, v := range emulators.Vendors() {
		em, err := emulators.New(v, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		r, err := emulators.Start(em, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Stop)
		if v == "talkdesk" {
			talkdesk = r
		}
		id := em.AddUser("ana@example.com", "Ana Agent")
		info.Emulators = append(info.Emulators, demo.EmulatorInfo{Vendor: v, BaseURL: r.URL, Users: map[string]string{"ana@example.com": id}})
	}
	var out bytes.Buffer
	printDemo(&out, t.TempDir(), info)
	for _, e := range info.Emulators {
		if !strings.Contains(out.String(), e.BaseURL+emulator.AgentSidePrefix+e.Users["ana@example.com"]+"/") {
			t.Errorf("no agent's-side example for %s in:\n%s", e.Vendor, out.String())
		}
	}
	tdURL := regexp.MustCompile(`curl -s -X POST (` + regexp.QuoteMeta(talkdesk.URL) + `\S+)`).FindStringSubmatch(out.String())
	if tdURL == nil {
		t.Fatalf("no talkdesk curl in:\n%s", out.String())
	}
	resp, err := http.Post(tdURL[1], "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := info.Emulators[0].Users["ana@example.com"]
	for _, e := range info.Emulators {
		if e.Vendor == "talkdesk" {
			id = e.Users["ana@example.com"]
		}
	}
	if st, _ := talkdesk.Emulator.State(id); resp.StatusCode != 200 || st != "on_call" {
		t.Errorf("POST %s: %d, state %q; want 200, on_call", tdURL[1], resp.StatusCode, st)
	}
}

func TestEmulatePrintsTheAgentSide(t *testing.T) {
	var out bytes.Buffer
	printEmulator(&out, "cxone", "http://127.0.0.1:9", nil, nil, map[string]string{"agent1@example.com": "30001"}, "",
		agentSide("cxone", "http://127.0.0.1:9", "30001"))
	var m struct {
		AgentSide map[string]string `json:"agent_side"`
	}
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.AgentSide["example"], "http://127.0.0.1:9/_emulator/agents/30001/wrap-up") ||
		!strings.Contains(m.AgentSide["about"], "unauthenticated") {
		t.Errorf("agent_side: %v", m.AgentSide)
	}
}

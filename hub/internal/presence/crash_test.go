package presence_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"presencehub.dev/hub/internal/hubtest"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/shared/testwait"
)

// TestMain lets this test binary run as a hub (a child process that can be killed with SIGKILL).
func TestMain(m *testing.M) { os.Exit(hubtest.RunChild(m)) }

// TestAcknowledgedChangesSurviveKill sends many admin changes to a hub process, faster than the agents'
// rate, so the last ones are held by flow control ("coalesced"); the hub is killed with SIGKILL right
// after the last answer and restarted on the same data. Every agent must end on its last acknowledged
// status.
func TestAcknowledgedChangesSurviveKill(t *testing.T) {
	dir, addr := t.TempDir(), hubtest.FreeAddr(t)
	h, child := hubtest.StartChild(t, dir, addr)
	tenant := h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", map[string]any{"name": "acme"})["tenant"].(map[string]any)["id"].(string)
	base := "/v1/tenants/" + tenant
	statuses := []string{"available", "busy", "lunch", "offline"}
	for i, name := range statuses {
		kind := map[string]string{"lunch": "away"}[name]
		if kind == "" {
			kind = name
		}
		h.Must(t, http.StatusOK, h.AdminKey, "POST", base+"/statuses", map[string]any{"name": name, "display_name": name, "kind": kind, "order": i})
	}
	const agents, perAgent = 20, 25
	ids := make([]string, agents)
	for i := range ids {
		a := h.Must(t, http.StatusOK, h.AdminKey, "POST", base+"/agents", map[string]any{"email": fmt.Sprintf("a%d@acme.example", i)})
		ids[i] = a["agent"].(map[string]any)["id"].(string)
	}

	// Each agent's changes go one after the other (so "last acknowledged" is well defined); agents in
	// parallel. The default rate (60 a minute, a burst of 10) holds most of them.
	last := make([]string, agents)
	outcomes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			for k := range perAgent {
				status := statuses[(i+k)%len(statuses)]
				outcome, err := putPresence(h, base+"/agents/"+ids[i]+"/presence", status)
				if err != nil {
					t.Errorf("agent %d, change %d: %v", i, k, err)
					return
				}
				mu.Lock()
				last[i] = status
				if k == perAgent-1 {
					outcomes[outcome]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	hubtest.Kill(t, child) // right after the last answer: no shutdown path runs
	if t.Failed() {
		return
	}
	if outcomes[presence.OutcomeCoalesced] == 0 {
		t.Fatalf("last outcomes %v: none coalesced, so this tested nothing held", outcomes)
	}
	t.Logf("last outcomes before the kill: %v", outcomes)

	h, _ = hubtest.StartChild(t, dir, addr)
	testwait.Seen(t, 20*time.Second, "every agent on its last acknowledged status", func() (bool, string) {
		var wrong []string
		for i, id := range ids {
			p := h.Must(t, http.StatusOK, h.AdminKey, "GET", base+"/agents/"+id+"/presence", nil)["presence"].(map[string]any)
			if p["status"] != last[i] {
				wrong = append(wrong, fmt.Sprintf("agent %d on %v, acknowledged %s", i, p["status"], last[i]))
			}
		}
		return len(wrong) == 0, fmt.Sprintf("%d of %d wrong: %s", len(wrong), agents, strings.Join(wrong, "; "))
	})
}

// putPresence sets an agent's status as an admin and returns the outcome (an error unless answered 200).
func putPresence(h *hubtest.Hub, path, status string) (string, error) {
	body, _ := json.Marshal(map[string]string{"status": status})
	req, err := http.NewRequest("PUT", h.URL+path, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+h.AdminKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Outcome string `json:"outcome"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.Outcome, nil
}

package talkdeskemu_test

import (
	"testing"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
)

// TestAgentSideCallShowsInThePoll: a call started and ended on the agent's side is what the presence
// API (the adapter's poll) reads, as the agent's own change.
func TestAgentSideCallShowsInThePoll(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{})
	id := em.AddUser("ana@example.com", "Ana")
	tok := token(t, srv, "presence-user:read")
	side := emulator.AgentSidePrefix + id
	if resp, out := api(t, srv, "", "POST", side+"/call", "", ""); resp.StatusCode != 200 || out["state"] != "on_call" {
		t.Fatalf("POST call: %d %v", resp.StatusCode, out)
	}
	_, p := api(t, srv, tok, "GET", "/users/"+id+"/presence", "", "")
	if p["occupancy"] != 100.0 || len(p["interactions"].([]any)) != 1 || p["updated_by"] != "user:"+id {
		t.Errorf("presence on a call started on the agent's side: %v", p)
	}
	if resp, out := api(t, srv, "", "POST", side+"/call:end", "", ""); resp.StatusCode != 200 || out["state"] != "available" {
		t.Fatalf("POST call:end: %d %v", resp.StatusCode, out)
	}
	_, p = api(t, srv, tok, "GET", "/users/"+id+"/presence", "", "")
	if p["status"] != "available" || len(p["interactions"].([]any)) != 0 {
		t.Errorf("presence after the call: %v", p)
	}
}

package cxoneemu_test

import (
	"testing"

	"presencehub.dev/hub/internal/emulator"
)

// TestAgentSideACWShowsInThePoll: After Call Work entered on the agent's side is in the next
// updatedSince poll, and the Agent API refuses changes during it (409) until call:end.
func TestAgentSideACWShowsInThePoll(t *testing.T) {
	em, srv, tok := unit(t)
	id := em.AddUser("ana@example.com", "Ana Lima")
	_, first, _ := call(t, srv, tok, "GET", api+"/agents/states", "", "")
	if status, out, _ := call(t, srv, "", "POST", emulator.AgentSidePrefix+id+"/wrap-up", "", ""); status != 200 || out["state"] != "AfterCallWork" {
		t.Fatalf("POST wrap-up: %d %v", status, out)
	}
	_, body, _ := call(t, srv, tok, "GET", api+"/agents/states?updatedSince="+first["lastPollTime"].(string), "", "")
	states := body["agentStates"].([]any)
	if len(states) != 1 || states[0].(map[string]any)["isAcw"] != true {
		t.Fatalf("poll after wrap-up: %v", states)
	}
	if status, out, _ := call(t, srv, "", "POST", emulator.AgentSidePrefix+id+"/call:end", "", ""); status != 200 || out["state"] != "Available" {
		t.Errorf("POST call:end: %d %v", status, out)
	}
}

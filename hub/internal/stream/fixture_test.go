package stream_test

import (
	"fmt"
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// tenantEnv is a tenant with a catalog (two system states), one team of agents and an admin key.
type tenantEnv struct {
	id, key, team string
	agents        []string
}

func seed(t *testing.T, h *hubtest.Hub, name string, agents int, settings map[string]any) tenantEnv {
	t.Helper()
	e := tenantEnv{}
	body := map[string]any{"name": name}
	if settings != nil {
		body["settings"] = settings
	}
	e.id = h.Must(t, http.StatusOK, h.AdminKey, "POST", "/v1/tenants", body)["tenant"].(map[string]any)["id"].(string)
	e.key = h.AdminKey
	base := "/v1/tenants/" + e.id
	for i, st := range []map[string]any{
		{"name": "available", "display_name": "Available", "kind": "available"},
		{"name": "busy", "display_name": "Busy", "kind": "busy"},
		{"name": "lunch", "display_name": "Lunch", "kind": "away"},
		{"name": "offline", "display_name": "Offline", "kind": "offline"},
		{"name": "on-call", "display_name": "On a call", "kind": "system"},
		{"name": "acw", "display_name": "After call work", "kind": "system"},
		{"name": "training", "display_name": "Training", "kind": "busy", "agent_settable": false},
	} {
		st["order"] = i
		h.Must(t, http.StatusOK, e.key, "POST", base+"/statuses", st)
	}
	e.team = h.Must(t, http.StatusOK, e.key, "POST", base+"/teams", map[string]any{"name": "Support"})["team"].(map[string]any)["id"].(string)
	for i := 0; i < agents; i++ {
		a := h.Must(t, http.StatusOK, e.key, "POST", base+"/agents", map[string]any{
			"email": fmt.Sprintf("agent%d@%s.example", i, name), "team_ids": []string{e.team},
		})
		e.agents = append(e.agents, a["agent"].(map[string]any)["id"].(string))
	}
	return e
}

func (e tenantEnv) presencePath(agent string) string {
	return "/v1/tenants/" + e.id + "/agents/" + agent + "/presence"
}

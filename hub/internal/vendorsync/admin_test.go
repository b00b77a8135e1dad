package vendorsync_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

func TestRuleTemplateAndVendorStatesThroughTheAPI(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	tpls := asList(e.must(t, "GET", "/rule-templates", nil)["templates"])
	if len(tpls) == 0 || tpls[0]["name"] != "aircall-zendesk" {
		t.Fatalf("templates %v", tpls)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"template": "nope", "direction": "both"}, "template"},
		{map[string]any{"template": "aircall-zendesk", "direction": "sideways",
			"connections": map[string]string{"aircall": e.ac.conn, "zendesk": e.zd.conn}}, "direction"},
		{map[string]any{"template": "aircall-zendesk", "direction": "both",
			"connections": map[string]string{"aircall": e.zd.conn, "zendesk": e.zd.conn}}, "connections.aircall"},
		{map[string]any{"template": "aircall-zendesk", "direction": "both",
			"connections": map[string]string{"aircall": e.ac.conn}}, "connections.zendesk"},
	} {
		resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules:applyTemplate", c.body)
		if resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), `"field":"`+c.field+`"`) {
			t.Errorf("%v: %d %s; want 400 naming %s", c.body, resp.Status, resp.Body, c.field)
		}
	}
	rules := asList(e.must(t, "POST", "/rules:applyTemplate", map[string]any{"template": "aircall-zendesk", "direction": "aircall_to_zendesk",
		"connections": map[string]string{"aircall": e.ac.conn, "zendesk": e.zd.conn}})["rules"])
	if len(rules) != 2 || len(asList(rules[0]["outbound"])) != 0 || len(asList(rules[1]["inbound"])) != 0 {
		t.Errorf("one-way Aircall→Zendesk rules %v; want Aircall read-only, Zendesk write-only", rules)
	}
	resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules:applyTemplate", map[string]any{"template": "aircall-zendesk", "direction": "both",
		"connections": map[string]string{"aircall": e.ac.conn, "zendesk": e.zd.conn}})
	if resp.Status != http.StatusConflict {
		t.Errorf("applying twice: %d %s; want 409", resp.Status, resp.Body)
	}

	states := map[string]map[string]any{}
	for _, s := range asList(e.must(t, "GET", "/connections/"+e.ac.conn+"/vendor-states", nil)["states"]) {
		states[s["id"].(string)] = s
	}
	if states["available"]["settable"] != true || states["in_call"]["settable"] != false || states["in_call"]["system"] != true {
		t.Errorf("aircall states %v", states)
	}
	zd := asList(e.must(t, "GET", "/connections/"+e.zd.conn+"/vendor-states", nil)["states"])
	found := false
	for _, s := range zd {
		found = found || s["id"] == "custom:123"
	}
	if !found {
		t.Errorf("zendesk states %v; want the custom status listed", zd)
	}
	// A vendor that does not answer is a 503, not a 500.
	e.zd.em.SetDown(true)
	if resp := h.Do(t, h.AdminKey, "GET", e.base+"/connections/"+e.zd.conn+"/vendor-states", nil); resp.Status != http.StatusServiceUnavailable {
		t.Errorf("vendor down: %d %s; want 503", resp.Status, resp.Body)
	}
}

package vendorsync_test

import (
	"slices"
	"testing"

	"presencehub.dev/hub/internal/emulator/servicenowemu"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
	"presencehub.dev/hub/internal/hubtest"
)

// Issue 17: applying servicenow-talkdesk to a tenant whose first system status is "refused" mapped
// Talkdesk on_call to refused. System statuses are picked by what they stand for (system_role).
func TestTemplateMapsSystemStatusesByRole(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	e.must(t, "POST", "/statuses", map[string]any{"name": "refused", "display_name": "Refused", "kind": "system", "system_role": "refused", "order": 0})
	sn := e.connect(t, "servicenow", servicenowemu.New(servicenowemu.Options{}))
	td := e.connect(t, "talkdesk", talkdeskemu.New(talkdeskemu.Options{}))
	rules := e.must(t, "POST", "/rules:applyTemplate", map[string]any{"template": "servicenow-talkdesk", "direction": "both",
		"connections": map[string]string{"servicenow": sn.conn, "talkdesk": td.conn}})["rules"].([]any)
	var got []string
	for _, r := range rules {
		r := r.(map[string]any)
		if r["connection_id"] != td.conn {
			continue
		}
		for _, m := range r["inbound"].([]any) {
			m := m.(map[string]any)
			got = append(got, m["vendor_state"].(string)+">"+m["status"].(string))
		}
	}
	if !slices.Contains(got, "on_call>on-call") || slices.Contains(got, "on_call>refused") {
		t.Errorf("talkdesk inbound %v; want on_call mapped to on-call (the status standing for a call), not refused", got)
	}
}

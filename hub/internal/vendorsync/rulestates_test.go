package vendorsync_test

import (
	"net/http"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// System-managed statuses are fed only by a vendor's own system states, and the hub never maps a
// status to a vendor state the vendor does not let it set (NICE CXone: ACW and Refused are mapped on
// the publisher side only).
func TestRulesRespectTheVendorsSystemStates(t *testing.T) {
	h := hubtest.Start(t, fastRetries)
	e := newEnv(t, h, 1)
	resp := h.Do(t, h.AdminKey, "POST", e.base+"/rules", map[string]any{
		"name": "bad", "connection_id": e.ac.conn,
		"inbound":  []map[string]string{{"vendor_state": "available", "status": "acw"}, {"vendor_state": "after_call_work", "status": "acw"}},
		"outbound": []map[string]string{{"status": "busy", "vendor_state": "in_call"}, {"status": "available", "vendor_state": "available"}},
	})
	body := string(resp.Body)
	if resp.Status != http.StatusBadRequest || !strings.Contains(body, `"field":"inbound[0].status"`) ||
		!strings.Contains(body, `"field":"outbound[0].vendor_state"`) || strings.Contains(body, "inbound[1]") || strings.Contains(body, "outbound[1]") {
		t.Fatalf("rule mapping a chosen state to ACW and busy to in_call: %d %s; want 400 naming inbound[0].status and outbound[0].vendor_state only", resp.Status, body)
	}
	e.must(t, "POST", "/rules", map[string]any{
		"name": "good", "connection_id": e.ac.conn,
		"inbound":  []map[string]string{{"vendor_state": "after_call_work", "status": "acw"}},
		"outbound": []map[string]string{{"status": "available", "vendor_state": "available"}},
	})
}

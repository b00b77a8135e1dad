package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"presencehub.dev/hub/internal/hubtest"
)

// A rule changed by any writer of the store (here in process, as a template or an importer would, not
// through an admin RPC) applies to the next change at once: the sync router's cached routes go on the
// store's typed change event. Before, only API methods whose names mentioned rules or connections
// dropped them, and other writes waited for a 5 s TTL.
func TestRuleChangedOutsideTheAPIAppliesAtOnce(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	base, k := "/v1/tenants/"+f.tenantID, f.adminKey
	// versions lists the presence versions the connection's writes were planned for (in the change's
	// own transaction: once a PUT answers, its writes are listed).
	versions := func() []string {
		res := h.Must(t, http.StatusOK, k, "GET", base+"/connections/"+f.connectionID+"/writes", nil)
		ws, _ := res["writes"].([]any)
		var out []string
		for _, w := range ws {
			out = append(out, fmt.Sprint(w.(map[string]any)["presence_version"]))
		}
		slices.Sort(out)
		return out
	}
	presence := func(status string) {
		h.Must(t, http.StatusOK, k, "PUT", base+"/agents/"+f.agentID+"/presence", map[string]any{"status": status})
	}
	presence("busy")
	if v := versions(); !slices.Equal(v, []string{"1"}) {
		t.Fatalf("writes for versions %v after busy (v1); want [1]: the rule writes busy", v)
	}
	ctx := context.Background()
	r, err := h.App.Store.GetRule(ctx, f.tenantID, f.ruleID)
	if err != nil {
		t.Fatal(err)
	}
	r.Outbound = nil // the rule no longer writes anything
	if err := h.App.Store.UpdateRule(ctx, r); err != nil {
		t.Fatal(err)
	}
	presence("available")
	presence("busy")
	if v := versions(); !slices.Equal(v, []string{"1"}) {
		t.Fatalf("writes for versions %v after busy again (v3); want only [1]: the rule writes nothing now", v)
	}
}

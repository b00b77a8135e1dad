package demo

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/emulator"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// connectorRule is the rule of a generic HTTP connection in the demo (seed 001's punch clock): punch in
// when the agent becomes available, out when offline; no other status is written, nothing is read.
func connectorRule(tenantID, connectionID string) *model.Rule {
	return &model.Rule{ID: ids.New(ids.Rule), TenantID: tenantID, Name: "punch-clock", ConnectionID: connectionID,
		Outbound: []model.OutboundMapping{{Status: "available", VendorState: "in"}, {Status: "offline", VendorState: "out"}}}
}

// ensureConnectorRule adds the punch-clock rule to a connection that has no rule yet.
func ensureConnectorRule(ctx context.Context, st *store.DB, tenantID, connectionID string) error {
	rules, _, err := st.ListRules(ctx, tenantID, connectionID, store.Page{Size: 1})
	if err != nil {
		return fmt.Errorf("wiring demo punch-clock rule: %w", err)
	}
	if len(rules) > 0 {
		return nil
	}
	if err := st.CreateRule(ctx, connectorRule(tenantID, connectionID)); err != nil {
		return fmt.Errorf("wiring demo punch-clock rule: %w", err)
	}
	return nil
}

// isConnector reports whether em is reached through the generic HTTP connector; its users are linked
// by agent sync rather than by the demo.
func isConnector(em emulator.Emulator) (string, bool) {
	c, ok := em.(emulator.Connector)
	if !ok {
		return "", false
	}
	return c.ConnectorSpec(), true
}

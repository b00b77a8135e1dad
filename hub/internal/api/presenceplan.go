package api

import (
	"context"

	"presencehub.dev/hub/internal/vendorsync"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// GetPresencePlan is the dry run of an admin override: what each connection would get, and why.
func (s *Service) GetPresencePlan(ctx context.Context, req *phv1.GetPresencePlanRequest) (*phv1.GetPresencePlanResponse, error) {
	a, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId()) // first: another tenant's agent is NotFound
	if err != nil {
		return nil, err
	}
	fe := &fieldErrors{}
	if req.GetStatus() == "" {
		fe.add("status", "is required")
		return nil, fe.orNil()
	}
	cat, err := s.catalog(ctx, a.TenantID)
	if err != nil {
		return nil, err
	}
	if cat[req.GetStatus()] == nil {
		fe.add("status", "no status named %q in the catalog", req.GetStatus())
		return nil, fe.orNil()
	}
	if s.sync == nil {
		return &phv1.GetPresencePlanResponse{}, nil // no vendor sync in this hub: nothing is ever written
	}
	plans, err := s.sync.Explain(ctx, a, req.GetStatus())
	if err != nil {
		return nil, err
	}
	out := &phv1.GetPresencePlanResponse{}
	for _, p := range plans {
		out.Connections = append(out.Connections, plannedProto(p))
	}
	return out, nil
}

func plannedProto(p vendorsync.Planned) *phv1.PlannedWrite {
	w := &phv1.PlannedWrite{ConnectionId: p.Connection.ID, ConnectionName: p.Connection.Name, Vendor: p.Connection.Vendor,
		ExternalId: p.ExternalID, RuleSource: p.RuleSource, TeamId: p.TeamID, Write: p.Write, Status: p.Status,
		VendorState: p.VendorState, Reason: p.Reason}
	if p.Rule != nil {
		w.RuleId, w.RuleName = p.Rule.ID, p.Rule.Name
	}
	return w
}

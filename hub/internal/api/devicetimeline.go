package api

import (
	"context"

	"presencehub.dev/hub/internal/auth"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// authorizeOwnTimeline lets a tray read its own agent's timeline with its device token, and nothing
// else: another agent, or another tenant, is not found, exactly as for an agent that does not exist.
func (s *Service) authorizeOwnTimeline(ctx context.Context, header string, req any) (context.Context, error) {
	d, err := auth.AuthenticateDevice(ctx, s.st, header)
	if err != nil {
		return ctx, err
	}
	r, ok := req.(*phv1.ListTimelineRequest)
	if !ok {
		return ctx, errForbidden
	}
	t, err := s.resolveTenant(ctx, r.GetTenant())
	if err != nil {
		return ctx, err
	}
	if t.ID != d.TenantID {
		return ctx, notFound("tenant")
	}
	if r.GetAgentId() != d.AgentID {
		return ctx, notFound("agent")
	}
	return context.WithValue(context.WithValue(ctx, deviceCtxKey{}, d), tenantCtxKey{}, d.TenantID), nil
}

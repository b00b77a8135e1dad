package api

import (
	"context"
	"errors"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/protoconv"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// GetPresence reads an agent's presence.
func (s *Service) GetPresence(ctx context.Context, req *phv1.GetPresenceRequest) (*phv1.GetPresenceResponse, error) {
	p, err := s.engine.Current(ctx, tenantID(ctx), req.GetAgentId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetPresenceResponse{Presence: s.PresenceProto(ctx, p)}, nil
}

// SetPresence is an admin override: any catalog status, system states included.
func (s *Service) SetPresence(ctx context.Context, req *phv1.SetPresenceRequest) (*phv1.SetPresenceResponse, error) {
	fe := &fieldErrors{}
	if req.GetStatus() == "" {
		fe.add("status", "is required")
	}
	if len(req.GetReason()) > 500 {
		fe.add("reason", "must be at most 500 characters")
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	res, err := s.engine.Apply(ctx, presence.Request{
		TenantID: tenantID(ctx), AgentID: req.GetAgentId(), Status: req.GetStatus(), Reason: req.GetReason(),
		Source: model.SourceAdmin, SourceID: auth.FromContext(ctx).KeyID,
	})
	if err != nil {
		return nil, presenceError(err)
	}
	noteObject(ctx, "agent", req.GetAgentId())
	return &phv1.SetPresenceResponse{Presence: s.PresenceProto(ctx, res.Presence), Outcome: res.Outcome}, nil
}

// ListTimeline lists an agent's status history, newest first.
func (s *Service) ListTimeline(ctx context.Context, req *phv1.ListTimelineRequest) (*phv1.ListTimelineResponse, error) {
	if _, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId()); err != nil {
		return nil, err
	}
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListTimeline(ctx, tenantID(ctx), req.GetAgentId(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListTimelineResponse{NextPageToken: next}
	var versions []int64
	for _, e := range list {
		if e.Outcome == presence.OutcomeApplied {
			versions = append(versions, e.Version)
		}
	}
	writes, err := s.st.WritesForVersions(ctx, tenantID(ctx), req.GetAgentId(), versions)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		pe := protoconv.TimelineEntry(e)
		for _, w := range writes {
			if e.Outcome == presence.OutcomeApplied && w.PresenceVersion == e.Version {
				pe.Writes = append(pe.Writes, protoconv.VendorWrite(w))
			}
		}
		resp.Entries = append(resp.Entries, pe)
	}
	return resp, nil
}

// presenceError turns engine refusals into caller errors.
func presenceError(err error) error {
	switch {
	case errors.Is(err, presence.ErrUnknownStatus), errors.Is(err, presence.ErrNotSettable):
		fe := &fieldErrors{}
		fe.add("status", "%s", err.Error())
		return fe
	case errors.Is(err, presence.ErrNoPrevious), errors.Is(err, presence.ErrBlocked):
		return &userError{msg: err.Error(), err: errConflictState}
	}
	return err
}

// PresenceProto renders a presence for callers.
func (s *Service) PresenceProto(ctx context.Context, p *model.Presence) *phv1.Presence {
	return protoconv.Presence(p, s.engine.Kind(ctx, p.TenantID, p.Status))
}

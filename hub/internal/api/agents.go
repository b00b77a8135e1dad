package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateAgent adds an agent.
func (s *Service) CreateAgent(ctx context.Context, req *phv1.CreateAgentRequest) (*phv1.CreateAgentResponse, error) {
	a := &model.Agent{ID: ids.New(ids.Agent), TenantID: tenantID(ctx)}
	applyAgent(a, req.GetAgent(), nil)
	if err := s.checkAgent(ctx, a); err != nil {
		return nil, err
	}
	if err := s.st.CreateAgent(ctx, a); err != nil {
		return nil, err
	}
	noteObject(ctx, "agent", a.ID)
	return &phv1.CreateAgentResponse{Agent: agentProto(a)}, nil
}

// GetAgent reads one agent.
func (s *Service) GetAgent(ctx context.Context, req *phv1.GetAgentRequest) (*phv1.GetAgentResponse, error) {
	a, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetAgentResponse{Agent: agentProto(a)}, nil
}

// maxAgentQuery bounds ListAgents' search text.
const maxAgentQuery = 200

// ListAgents lists agents, optionally of one team, optionally those matching a search text.
func (s *Service) ListAgents(ctx context.Context, req *phv1.ListAgentsRequest) (*phv1.ListAgentsResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	if len(req.GetQuery()) > maxAgentQuery {
		fe := &fieldErrors{}
		fe.add("query", "must be at most %d characters", maxAgentQuery)
		return nil, fe
	}
	list, next, err := s.st.SearchAgents(ctx, tenantID(ctx), req.GetTeamId(), req.GetQuery(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListAgentsResponse{NextPageToken: next}
	for _, a := range list {
		resp.Agents = append(resp.Agents, agentProto(a))
	}
	return resp, nil
}

// UpdateAgent changes an agent, its teams or its identities.
func (s *Service) UpdateAgent(ctx context.Context, req *phv1.UpdateAgentRequest) (*phv1.UpdateAgentResponse, error) {
	a, err := s.st.GetAgent(ctx, tenantID(ctx), req.GetAgentId())
	if err != nil {
		return nil, err
	}
	applyAgent(a, req.GetAgent(), maskPaths(req.GetUpdateMask().GetPaths()))
	if err := s.checkAgent(ctx, a); err != nil {
		return nil, err
	}
	if err := s.st.UpdateAgent(ctx, a); err != nil {
		return nil, err
	}
	noteObject(ctx, "agent", a.ID)
	return &phv1.UpdateAgentResponse{Agent: agentProto(a)}, nil
}

// DeleteAgent removes an agent.
func (s *Service) DeleteAgent(ctx context.Context, req *phv1.DeleteAgentRequest) (*phv1.DeleteAgentResponse, error) {
	if err := s.st.DeleteAgent(ctx, tenantID(ctx), req.GetAgentId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "agent", req.GetAgentId())
	return &phv1.DeleteAgentResponse{}, nil
}

// checkAgent validates fields and that every team and connection named exists in the tenant.
func (s *Service) checkAgent(ctx context.Context, a *model.Agent) error {
	fe := check(a)
	seenTeam := map[string]bool{}
	for i, team := range a.TeamIDs {
		field := fmt.Sprintf("team_ids[%d]", i)
		if team == "" {
			continue // reported by check
		}
		if seenTeam[team] {
			fe.add(field, "team %q is listed twice", team)
			continue
		}
		seenTeam[team] = true
		if _, err := s.st.GetTeam(ctx, a.TenantID, team); errors.Is(err, store.ErrNotFound) {
			fe.add(field, "no team %q in this tenant", team)
		} else if err != nil {
			return err
		}
	}
	seenConn := map[string]bool{}
	for i, id := range a.Identities {
		field := fmt.Sprintf("identities[%d].connection_id", i)
		if id.ConnectionID == "" {
			continue // reported by check
		}
		if seenConn[id.ConnectionID] {
			fe.add(field, "the agent already has an identity for connection %q", id.ConnectionID)
			continue
		}
		seenConn[id.ConnectionID] = true
		if _, err := s.st.GetConnection(ctx, a.TenantID, id.ConnectionID); errors.Is(err, store.ErrNotFound) {
			fe.add(field, "no connection %q in this tenant", id.ConnectionID)
		} else if err != nil {
			return err
		}
	}
	return fe.orNil()
}

func applyAgent(a *model.Agent, in *phv1.Agent, mask fieldMask) {
	if wants(mask, "email") {
		a.Email = strings.TrimSpace(in.GetEmail())
	}
	if wants(mask, "display_name") {
		a.DisplayName = in.GetDisplayName()
	}
	if wants(mask, "team_ids") {
		a.TeamIDs = append([]string{}, in.GetTeamIds()...)
	}
	if wants(mask, "identities") {
		old := map[string]model.Identity{}
		for _, id := range a.Identities {
			old[id.ConnectionID] = id
		}
		a.Identities = []model.Identity{}
		for _, id := range in.GetIdentities() {
			next := model.Identity{ConnectionID: id.GetConnectionId(), ExternalID: strings.TrimSpace(id.GetExternalId()), Pinned: id.GetPinned()}
			if prev, ok := old[next.ConnectionID]; ok && prev.ExternalID == next.ExternalID {
				next.LinkTime = prev.LinkTime
			}
			a.Identities = append(a.Identities, next)
		}
	}
}

func agentProto(a *model.Agent) *phv1.Agent {
	out := &phv1.Agent{
		Id: a.ID, Email: a.Email, DisplayName: a.DisplayName, TeamIds: a.TeamIDs,
		CreateTime: ts(a.CreateTime), UpdateTime: ts(a.UpdateTime),
	}
	for _, id := range a.Identities {
		out.Identities = append(out.Identities, &phv1.AgentIdentity{
			ConnectionId: id.ConnectionID, ExternalId: id.ExternalID, Pinned: id.Pinned, LinkTime: ts(id.LinkTime),
		})
	}
	return out
}

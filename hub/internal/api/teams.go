package api

import (
	"context"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateTeam adds a team.
func (s *Service) CreateTeam(ctx context.Context, req *phv1.CreateTeamRequest) (*phv1.CreateTeamResponse, error) {
	t := &model.Team{ID: ids.New(ids.Team), TenantID: tenantID(ctx)}
	applyTeam(t, req.GetTeam(), nil)
	if err := check(t).orNil(); err != nil {
		return nil, err
	}
	if err := s.st.CreateTeam(ctx, t); err != nil {
		return nil, err
	}
	noteObject(ctx, "team", t.ID)
	return &phv1.CreateTeamResponse{Team: teamProto(t)}, nil
}

// GetTeam reads one team.
func (s *Service) GetTeam(ctx context.Context, req *phv1.GetTeamRequest) (*phv1.GetTeamResponse, error) {
	t, err := s.st.GetTeam(ctx, tenantID(ctx), req.GetTeamId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetTeamResponse{Team: teamProto(t)}, nil
}

// ListTeams lists the tenant's teams.
func (s *Service) ListTeams(ctx context.Context, req *phv1.ListTeamsRequest) (*phv1.ListTeamsResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListTeams(ctx, tenantID(ctx), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListTeamsResponse{NextPageToken: next}
	for _, t := range list {
		resp.Teams = append(resp.Teams, teamProto(t))
	}
	return resp, nil
}

// UpdateTeam changes a team's name or description.
func (s *Service) UpdateTeam(ctx context.Context, req *phv1.UpdateTeamRequest) (*phv1.UpdateTeamResponse, error) {
	t, err := s.st.GetTeam(ctx, tenantID(ctx), req.GetTeamId())
	if err != nil {
		return nil, err
	}
	applyTeam(t, req.GetTeam(), maskPaths(req.GetUpdateMask().GetPaths()))
	if err := check(t).orNil(); err != nil {
		return nil, err
	}
	if err := s.st.UpdateTeam(ctx, t); err != nil {
		return nil, err
	}
	noteObject(ctx, "team", t.ID)
	return &phv1.UpdateTeamResponse{Team: teamProto(t)}, nil
}

// DeleteTeam removes a team; its agents stay, without the membership.
func (s *Service) DeleteTeam(ctx context.Context, req *phv1.DeleteTeamRequest) (*phv1.DeleteTeamResponse, error) {
	if err := s.st.DeleteTeam(ctx, tenantID(ctx), req.GetTeamId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "team", req.GetTeamId())
	return &phv1.DeleteTeamResponse{}, nil
}

func applyTeam(t *model.Team, in *phv1.Team, mask fieldMask) {
	if wants(mask, "name") {
		t.Name = in.GetName()
	}
	if wants(mask, "description") {
		t.Description = in.GetDescription()
	}
}

func teamProto(t *model.Team) *phv1.Team {
	return &phv1.Team{Id: t.ID, Name: t.Name, Description: t.Description, CreateTime: ts(t.CreateTime), UpdateTime: ts(t.UpdateTime)}
}

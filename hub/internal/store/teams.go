package store

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Teams persists teams.
type Teams interface {
	CreateTeam(ctx context.Context, t *model.Team) error
	GetTeam(ctx context.Context, tenantID, id string) (*model.Team, error)
	ListTeams(ctx context.Context, tenantID string, p Page) ([]*model.Team, string, error)
	UpdateTeam(ctx context.Context, t *model.Team) error
	DeleteTeam(ctx context.Context, tenantID, id string) error
}

const teamCols = "id, tenant_id, name, description, create_time, update_time"

// CreateTeam inserts t.
func (s *DB) CreateTeam(ctx context.Context, t *model.Team) error {
	defer s.changed(t.TenantID, ChangedTeams)
	t.CreateTime, t.UpdateTime = s.now(), s.now()
	_, err := s.x.ExecContext(ctx, s.q("INSERT INTO teams ("+teamCols+") VALUES (?, ?, ?, ?, ?, ?)"),
		t.ID, t.TenantID, t.Name, t.Description, micros(t.CreateTime), micros(t.UpdateTime))
	if err != nil {
		return fmt.Errorf("creating team: %w", s.mapErr(err))
	}
	return nil
}

// GetTeam reads one team of a tenant.
func (s *DB) GetTeam(ctx context.Context, tenantID, id string) (*model.Team, error) {
	t, err := scanTeam(s.x.QueryRowContext(ctx, s.q("SELECT "+teamCols+" FROM teams WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting team: %w", s.mapErr(err))
	}
	return t, nil
}

// ListTeams pages through a tenant's teams.
func (s *DB) ListTeams(ctx context.Context, tenantID string, p Page) ([]*model.Team, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+teamCols+" FROM teams WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?"),
		tenantID, after, p.limit()+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing teams: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanTeam)
	if err != nil {
		return nil, "", fmt.Errorf("listing teams: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(t *model.Team) string { return t.ID })
	return list, next, nil
}

// UpdateTeam writes t's mutable fields.
func (s *DB) UpdateTeam(ctx context.Context, t *model.Team) error {
	defer s.changed(t.TenantID, ChangedTeams)
	t.UpdateTime = s.now()
	res, err := s.x.ExecContext(ctx, s.q("UPDATE teams SET name = ?, description = ?, update_time = ? WHERE tenant_id = ? AND id = ?"),
		t.Name, t.Description, micros(t.UpdateTime), t.TenantID, t.ID)
	if err != nil {
		return fmt.Errorf("updating team: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// DeleteTeam removes a team; memberships and rule assignments go with it.
func (s *DB) DeleteTeam(ctx context.Context, tenantID, id string) error {
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM teams WHERE tenant_id = ? AND id = ?"), tenantID, id)
	s.changed(tenantID, ChangedTeams|ChangedRules|ChangedAgents) // memberships and rule assignments go with it
	if err != nil {
		return fmt.Errorf("deleting team: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

func scanTeam(r scanner) (*model.Team, error) {
	var t model.Team
	var ct, ut int64
	if err := r.Scan(&t.ID, &t.TenantID, &t.Name, &t.Description, &ct, &ut); err != nil {
		return nil, err
	}
	t.CreateTime, t.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &t, nil
}

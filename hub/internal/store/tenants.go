package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Tenants persists tenants.
type Tenants interface {
	CreateTenant(ctx context.Context, t *model.Tenant) error
	GetTenant(ctx context.Context, id string) (*model.Tenant, error)
	GetTenantByName(ctx context.Context, name string) (*model.Tenant, error)
	ListTenants(ctx context.Context, p Page) ([]*model.Tenant, string, error)
	UpdateTenant(ctx context.Context, t *model.Tenant) error
	DeleteTenant(ctx context.Context, id string) error
}

const tenantCols = "id, name, display_name, settings, create_time, update_time"

// CreateTenant inserts t, filling its timestamps.
func (s *DB) CreateTenant(ctx context.Context, t *model.Tenant) error {
	settings, err := json.Marshal(t.Settings)
	if err != nil {
		return fmt.Errorf("creating tenant: %w", err)
	}
	t.CreateTime, t.UpdateTime = s.now(), s.now()
	_, err = s.x.ExecContext(ctx, s.q("INSERT INTO tenants ("+tenantCols+") VALUES (?, ?, ?, ?, ?, ?)"),
		t.ID, t.Name, t.DisplayName, string(settings), micros(t.CreateTime), micros(t.UpdateTime))
	if err != nil {
		return fmt.Errorf("creating tenant: %w", s.mapErr(err))
	}
	return nil
}

// GetTenant reads a tenant by id.
func (s *DB) GetTenant(ctx context.Context, id string) (*model.Tenant, error) {
	return s.getTenant(ctx, "id", id)
}

// GetTenantByName reads a tenant by its unique name.
func (s *DB) GetTenantByName(ctx context.Context, name string) (*model.Tenant, error) {
	return s.getTenant(ctx, "name", name)
}

func (s *DB) getTenant(ctx context.Context, col, v string) (*model.Tenant, error) {
	t, err := scanTenant(s.x.QueryRowContext(ctx, s.q("SELECT "+tenantCols+" FROM tenants WHERE "+col+" = ?"), v))
	if err != nil {
		return nil, fmt.Errorf("getting tenant: %w", s.mapErr(err))
	}
	return t, nil
}

// ListTenants pages through all tenants.
func (s *DB) ListTenants(ctx context.Context, p Page) ([]*model.Tenant, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+tenantCols+" FROM tenants WHERE id > ? ORDER BY id LIMIT ?"), after, p.limit()+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing tenants: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanTenant)
	if err != nil {
		return nil, "", fmt.Errorf("listing tenants: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(t *model.Tenant) string { return t.ID })
	return list, next, nil
}

// UpdateTenant writes t's mutable fields.
func (s *DB) UpdateTenant(ctx context.Context, t *model.Tenant) error {
	defer s.changed(t.ID, ChangedTenant)
	settings, err := json.Marshal(t.Settings)
	if err != nil {
		return fmt.Errorf("updating tenant: %w", err)
	}
	t.UpdateTime = s.now()
	res, err := s.x.ExecContext(ctx, s.q("UPDATE tenants SET name = ?, display_name = ?, settings = ?, update_time = ? WHERE id = ?"),
		t.Name, t.DisplayName, string(settings), micros(t.UpdateTime), t.ID)
	if err != nil {
		return fmt.Errorf("updating tenant: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// DeleteTenant removes a tenant and, by cascade, everything it owns.
func (s *DB) DeleteTenant(ctx context.Context, id string) error {
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM tenants WHERE id = ?"), id)
	s.changed(id, ChangedTenant|ChangedCatalog|ChangedConnections|ChangedRules|ChangedTeams|ChangedAgents)
	if err != nil {
		return fmt.Errorf("deleting tenant: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

type scanner interface{ Scan(dest ...any) error }

func scanTenant(r scanner) (*model.Tenant, error) {
	var t model.Tenant
	var settings string
	var ct, ut int64
	if err := r.Scan(&t.ID, &t.Name, &t.DisplayName, &settings, &ct, &ut); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &t.Settings); err != nil {
		return nil, fmt.Errorf("decoding tenant settings: %w", err)
	}
	t.CreateTime, t.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &t, nil
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

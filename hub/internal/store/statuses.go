package store

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Statuses persists a tenant's unified status catalog.
type Statuses interface {
	CreateStatus(ctx context.Context, st *model.Status) error
	GetStatus(ctx context.Context, tenantID, id string) (*model.Status, error)
	ListStatuses(ctx context.Context, tenantID string, p Page) ([]*model.Status, string, error)
	UpdateStatus(ctx context.Context, st *model.Status) error
	DeleteStatus(ctx context.Context, tenantID, id string) error
}

const statusCols = "id, tenant_id, name, display_name, kind, system_role, color, agent_settable, sort_order, create_time, update_time"

// CreateStatus inserts st.
func (s *DB) CreateStatus(ctx context.Context, st *model.Status) error {
	defer s.changed(st.TenantID, ChangedCatalog)
	st.CreateTime, st.UpdateTime = s.now(), s.now()
	_, err := s.x.ExecContext(ctx, s.q("INSERT INTO statuses ("+statusCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		st.ID, st.TenantID, st.Name, st.DisplayName, st.Kind, st.SystemRole, st.Color, st.AgentSettable, st.Order,
		micros(st.CreateTime), micros(st.UpdateTime))
	if err != nil {
		return fmt.Errorf("creating status: %w", s.mapErr(err))
	}
	return nil
}

// GetStatus reads one status of a tenant.
func (s *DB) GetStatus(ctx context.Context, tenantID, id string) (*model.Status, error) {
	st, err := scanStatus(s.x.QueryRowContext(ctx, s.q("SELECT "+statusCols+" FROM statuses WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting status: %w", s.mapErr(err))
	}
	return st, nil
}

// ListStatuses pages through a tenant's catalog in creation order.
func (s *DB) ListStatuses(ctx context.Context, tenantID string, p Page) ([]*model.Status, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+statusCols+" FROM statuses WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?"),
		tenantID, after, p.limit()+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing statuses: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanStatus)
	if err != nil {
		return nil, "", fmt.Errorf("listing statuses: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(st *model.Status) string { return st.ID })
	return list, next, nil
}

// UpdateStatus writes st's mutable fields.
func (s *DB) UpdateStatus(ctx context.Context, st *model.Status) error {
	defer s.changed(st.TenantID, ChangedCatalog)
	st.UpdateTime = s.now()
	res, err := s.x.ExecContext(ctx, s.q(`UPDATE statuses SET name = ?, display_name = ?, kind = ?, system_role = ?, color = ?,
		agent_settable = ?, sort_order = ?, update_time = ? WHERE tenant_id = ? AND id = ?`),
		st.Name, st.DisplayName, st.Kind, st.SystemRole, st.Color, st.AgentSettable, st.Order, micros(st.UpdateTime), st.TenantID, st.ID)
	if err != nil {
		return fmt.Errorf("updating status: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

// DeleteStatus removes a status.
func (s *DB) DeleteStatus(ctx context.Context, tenantID, id string) error {
	defer s.changed(tenantID, ChangedCatalog)
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM statuses WHERE tenant_id = ? AND id = ?"), tenantID, id)
	if err != nil {
		return fmt.Errorf("deleting status: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

func scanStatus(r scanner) (*model.Status, error) {
	var st model.Status
	var ct, ut int64
	if err := r.Scan(&st.ID, &st.TenantID, &st.Name, &st.DisplayName, &st.Kind, &st.SystemRole, &st.Color, &st.AgentSettable,
		&st.Order, &ct, &ut); err != nil {
		return nil, err
	}
	st.CreateTime, st.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &st, nil
}

package store

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Audit persists audit records; they are only ever appended and read.
type Audit interface {
	AppendAudit(ctx context.Context, r *model.AuditRecord) error
	ListAudit(ctx context.Context, tenantID, objectID string, p Page) ([]*model.AuditRecord, string, error)
}

const auditCols = "id, tenant_id, actor, action, object_type, object_id, create_time"

// AppendAudit writes one record.
func (s *DB) AppendAudit(ctx context.Context, r *model.AuditRecord) error {
	if r.CreateTime.IsZero() {
		r.CreateTime = s.now()
	}
	_, err := s.x.ExecContext(ctx, s.q("INSERT INTO audit_records ("+auditCols+") VALUES (?, ?, ?, ?, ?, ?, ?)"),
		r.ID, r.TenantID, r.Actor, r.Action, r.ObjectType, r.ObjectID, micros(r.CreateTime))
	if err != nil {
		return fmt.Errorf("appending audit record: %w", s.mapErr(err))
	}
	return nil
}

// ListAudit pages through a tenant's records, oldest first, optionally about one object.
func (s *DB) ListAudit(ctx context.Context, tenantID, objectID string, p Page) ([]*model.AuditRecord, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := "SELECT " + auditCols + " FROM audit_records WHERE tenant_id = ? AND id > ?"
	args := []any{tenantID, after}
	if objectID != "" {
		query += " AND object_id = ?"
		args = append(args, objectID)
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing audit records: %w", s.mapErr(err))
	}
	list, err := collect(rows, func(r scanner) (*model.AuditRecord, error) {
		var a model.AuditRecord
		var ct int64
		if err := r.Scan(&a.ID, &a.TenantID, &a.Actor, &a.Action, &a.ObjectType, &a.ObjectID, &ct); err != nil {
			return nil, err
		}
		a.CreateTime = fromMicros(ct)
		return &a, nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing audit records: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(a *model.AuditRecord) string { return a.ID })
	return list, next, nil
}

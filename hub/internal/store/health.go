package store

import (
	"context"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Health records how each connection's vendor has been answering.
type Health interface {
	RecordSuccess(ctx context.Context, tenantID, connectionID string, at time.Time) error
	RecordError(ctx context.Context, tenantID, connectionID, msg string, at time.Time) error
	GetHealth(ctx context.Context, tenantID, connectionID string) (*model.ConnectionHealth, error)
}

// RecordSuccess notes a successful vendor call.
func (s *DB) RecordSuccess(ctx context.Context, tenantID, connectionID string, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`INSERT INTO connection_health (connection_id, tenant_id, last_success_time) VALUES (?, ?, ?)
		ON CONFLICT (connection_id) DO UPDATE SET last_success_time = excluded.last_success_time`), connectionID, tenantID, micros(at))
	if err != nil {
		return fmt.Errorf("recording success: %w", s.mapErr(err))
	}
	return nil
}

// RecordError notes a failed vendor call.
func (s *DB) RecordError(ctx context.Context, tenantID, connectionID, msg string, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`INSERT INTO connection_health (connection_id, tenant_id, last_error, last_error_time, error_count) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (connection_id) DO UPDATE SET last_error = excluded.last_error, last_error_time = excluded.last_error_time,
		error_count = connection_health.error_count + 1`), connectionID, tenantID, msg, micros(at))
	if err != nil {
		return fmt.Errorf("recording error: %w", s.mapErr(err))
	}
	return nil
}

// GetHealth reads a connection's health with its queued and dead-lettered write counts.
func (s *DB) GetHealth(ctx context.Context, tenantID, connectionID string) (*model.ConnectionHealth, error) {
	h := &model.ConnectionHealth{ConnectionID: connectionID}
	var ls, le int64
	err := s.x.QueryRowContext(ctx, s.q(`SELECT last_success_time, last_error, last_error_time, error_count FROM connection_health
		WHERE tenant_id = ? AND connection_id = ?`), tenantID, connectionID).Scan(&ls, &h.LastError, &le, &h.ErrorCount)
	if err != nil && s.mapErr(err) != ErrNotFound {
		return nil, fmt.Errorf("getting health: %w", s.mapErr(err))
	}
	h.LastSuccessTime, h.LastErrorTime = fromMicros(ls), fromMicros(le)
	err = s.x.QueryRowContext(ctx, s.q(`SELECT
		COALESCE(SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE tenant_id = ? AND connection_id = ? AND state IN (?, ?)`),
		model.WritePending, model.WriteDead, tenantID, connectionID, model.WritePending, model.WriteDead).Scan(&h.PendingWrites, &h.DeadWrites)
	if err != nil {
		return nil, fmt.Errorf("counting writes: %w", s.mapErr(err))
	}
	return h, nil
}

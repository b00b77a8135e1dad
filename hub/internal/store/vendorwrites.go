package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Deliveries is what the hub delivered to vendors, per agent and connection (drift repair's evidence).
type Deliveries interface {
	LastDelivered(ctx context.Context, tenantID, agentID, connectionID string) (*model.OutboxWrite, error)
	LastSent(ctx context.Context, tenantID, agentID, connectionID, externalID, state string) (*model.OutboxWrite, error)
	LastTakenFrom(ctx context.Context, tenantID, agentID, connectionID string) (time.Time, error)
}

// LatestWrite is the newest write owed to or made on a connection for an agent that a newer one has not
// replaced: what the agent's tray shows for that system. ErrNotFound when nothing was ever written there.
func (s *DB) LatestWrite(ctx context.Context, tenantID, agentID, connectionID string) (*model.OutboxWrite, error) {
	w, err := scanWrite(s.x.QueryRowContext(ctx, s.q("SELECT "+outboxCols+` FROM outbox
		WHERE tenant_id = ? AND agent_id = ? AND connection_id = ? AND state <> ? ORDER BY id DESC LIMIT 1`),
		tenantID, agentID, connectionID, model.WriteSuperseded))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading latest write: %w", s.mapErr(err))
	}
	return w, nil
}

// LastDelivered is the newest write a vendor accepted for an agent on a connection: what the hub last put
// there and, as its update time, when the vendor answered. ErrNotFound when nothing was ever delivered.
// Drift repair judges a vendor's state against it.
func (s *DB) LastDelivered(ctx context.Context, tenantID, agentID, connectionID string) (*model.OutboxWrite, error) {
	w, err := scanWrite(s.x.QueryRowContext(ctx, s.q("SELECT "+outboxCols+` FROM outbox
		WHERE tenant_id = ? AND agent_id = ? AND connection_id = ? AND state = ? ORDER BY id DESC LIMIT 1`),
		tenantID, agentID, connectionID, model.WriteDelivered))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading last delivered write: %w", s.mapErr(err))
	}
	return w, nil
}

// LastSent is the newest write of state to the vendor user externalID of a connection, for an agent, that
// was sent at least once (delivered, or answered with a failure or not at all in time): its update time is
// when the vendor last answered it. ErrNotFound when the hub never sent that state there. The echo check
// consults it when its in-memory expectations (lost on a restart, bounded by the echo window) miss.
func (s *DB) LastSent(ctx context.Context, tenantID, agentID, connectionID, externalID, state string) (*model.OutboxWrite, error) {
	w, err := scanWrite(s.x.QueryRowContext(ctx, s.q("SELECT "+outboxCols+` FROM outbox
		WHERE tenant_id = ? AND agent_id = ? AND connection_id = ? AND external_id = ? AND vendor_state = ? AND attempts > 0
		ORDER BY id DESC LIMIT 1`),
		tenantID, agentID, connectionID, externalID, state))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading last sent write: %w", s.mapErr(err))
	}
	return w, nil
}

// LastTakenFrom is when the hub last took a change a connection's vendor reported for an agent (applied,
// queued, held or ignored as unmapped; not a stale one): its timeline. Zero when it never did.
func (s *DB) LastTakenFrom(ctx context.Context, tenantID, agentID, connectionID string) (time.Time, error) {
	var at int64
	err := s.x.QueryRowContext(ctx, s.q(`SELECT create_time FROM timeline
		WHERE agent_id = ? AND tenant_id = ? AND source = ? AND source_id = ? AND outcome <> 'stale'
		ORDER BY id DESC LIMIT 1`), agentID, tenantID, model.SourceConnection, connectionID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the last change taken from a connection: %w", s.mapErr(err))
	}
	return fromMicros(at), nil
}

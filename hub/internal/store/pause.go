package store

import (
	"context"
	"fmt"
	"time"
)

// Pauses records, per connection, the time before which no request may go to its vendor (what the
// vendor gave in Retry-After or a rate-limit reset), so every replica honours it.
type Pauses interface {
	PauseConnection(ctx context.Context, tenantID, connectionID string, until time.Time) error
	ConnectionPausedUntil(ctx context.Context, connectionID string) (time.Time, error)
}

var _ Pauses = (*DB)(nil)

// PauseConnection moves the connection's pause forward to until (an earlier time changes nothing).
func (s *DB) PauseConnection(ctx context.Context, tenantID, connectionID string, until time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`INSERT INTO connection_health (connection_id, tenant_id, paused_until) VALUES (?, ?, ?)
		ON CONFLICT (connection_id) DO UPDATE SET paused_until = CASE WHEN excluded.paused_until > connection_health.paused_until
		THEN excluded.paused_until ELSE connection_health.paused_until END`), connectionID, tenantID, micros(ceilMicro(until)))
	if err != nil {
		return fmt.Errorf("pausing connection: %w", s.mapErr(err))
	}
	return nil
}

// ceilMicro rounds t up to the microsecond the store keeps: a pause read back never ends early (it was
// 60 ns early for a restarted hub in simulation seed 2616).
func ceilMicro(t time.Time) time.Time {
	if r := t.Truncate(time.Microsecond); r.Before(t) {
		return r.Add(time.Microsecond)
	}
	return t
}

// ConnectionPausedUntil reads the connection's pause (zero when it has none).
func (s *DB) ConnectionPausedUntil(ctx context.Context, connectionID string) (time.Time, error) {
	var until int64
	err := s.x.QueryRowContext(ctx, s.q("SELECT paused_until FROM connection_health WHERE connection_id = ?"), connectionID).Scan(&until)
	if err != nil && s.mapErr(err) != ErrNotFound {
		return time.Time{}, fmt.Errorf("reading connection pause: %w", s.mapErr(err))
	}
	return fromMicros(until), nil
}

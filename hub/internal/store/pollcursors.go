package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PollCursors keeps where each polled connection's next poll starts.
type PollCursors interface {
	PollCursor(ctx context.Context, connectionID string) (string, error)
	SavePollCursor(ctx context.Context, connectionID, cursor string, at time.Time) error
}

var _ PollCursors = (*DB)(nil)

// PollCursor returns the connection's saved poll cursor ("" when none was saved).
func (s *DB) PollCursor(ctx context.Context, connectionID string) (string, error) {
	var cursor string
	err := s.x.QueryRowContext(ctx, s.q("SELECT cursor FROM poll_cursors WHERE connection_id = ?"), connectionID).Scan(&cursor)
	if err != nil {
		if err = s.mapErr(err); errors.Is(err, ErrNotFound) {
			return "", nil
		}
		return "", fmt.Errorf("reading poll cursor: %w", err)
	}
	return cursor, nil
}

// SavePollCursor saves the connection's poll cursor (a connection since deleted is ignored).
func (s *DB) SavePollCursor(ctx context.Context, connectionID, cursor string, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`INSERT INTO poll_cursors (connection_id, cursor, update_time)
		SELECT id, ?, ? FROM connections WHERE id = ?
		ON CONFLICT (connection_id) DO UPDATE SET cursor = excluded.cursor, update_time = excluded.update_time`),
		cursor, micros(at), connectionID)
	if err != nil {
		return fmt.Errorf("saving poll cursor: %w", s.mapErr(err))
	}
	return nil
}

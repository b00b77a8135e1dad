package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

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

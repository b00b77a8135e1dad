package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"presencehub.dev/hub/internal/model"
)

// Outbox persists the writes the hub owes vendors. Rows are added by SavePresence, in the transaction of
// the change that caused them; a newer write for the same agent and connection supersedes a pending one.
type Outbox interface {
	DueWrites(ctx context.Context, now time.Time, limit int) ([]*model.OutboxWrite, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
	MarkDelivered(ctx context.Context, id string, at time.Time) error
	MarkFailed(ctx context.Context, id string, attempts int32, next time.Time, lastError string, dead bool, at time.Time) error
	MarkStoodDown(ctx context.Context, id, reason string, at time.Time) error
	GetWrite(ctx context.Context, tenantID, id string) (*model.OutboxWrite, error)
	ListWrites(ctx context.Context, tenantID, connectionID, state string, p Page) ([]*model.OutboxWrite, string, error)
	RetryWrite(ctx context.Context, tenantID, id string, at time.Time) (*model.OutboxWrite, error)
	EnqueueWrites(ctx context.Context, writes []*model.OutboxWrite) error
	WritesForVersions(ctx context.Context, tenantID, agentID string, versions []int64) ([]*model.OutboxWrite, error)
	SupersedePending(ctx context.Context, agentID, connectionID string, upTo int64, at time.Time) error
	HasPendingWrite(ctx context.Context, agentID, connectionID string) (bool, error)
	OutboxClaims
}

const outboxCols = `id, tenant_id, connection_id, agent_id, external_id, status, vendor_state, presence_version, rule_id, state,
	attempts, next_attempt_time, last_error, create_time, update_time, if_state`

// insertWrites adds writes inside tx, superseding pending older writes of the same agent and connection.
func (s *DB) insertWrites(ctx context.Context, tx queryer, writes []*model.OutboxWrite) error {
	for _, w := range writes {
		now := micros(w.CreateTime)
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET state = ?, update_time = ? WHERE agent_id = ? AND connection_id = ? AND state = ?`),
			model.WriteSuperseded, now, w.AgentID, w.ConnectionID, model.WritePending); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (`+outboxCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			w.ID, w.TenantID, w.ConnectionID, w.AgentID, w.ExternalID, w.Status, w.VendorState, w.PresenceVersion, w.RuleID,
			model.WritePending, 0, micros(w.NextAttemptTime), "", now, now, w.IfState); err != nil {
			return err
		}
	}
	return nil
}

// SupersedePending drops the pending writes of an agent to a connection that were planned for presence
// versions up to upTo (the vendor just reported a newer state of its own, taken at that version). A
// write planned for a newer status, which another change made after it, stands (a Genesys report
// superseded the admin's write queued an instant after it).
func (s *DB) SupersedePending(ctx context.Context, agentID, connectionID string, upTo int64, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`UPDATE outbox SET state = ?, update_time = ?
		WHERE agent_id = ? AND connection_id = ? AND state = ? AND presence_version <= ?`),
		model.WriteSuperseded, micros(at), agentID, connectionID, model.WritePending, upTo)
	if err != nil {
		return fmt.Errorf("superseding writes: %w", s.mapErr(err))
	}
	return nil
}

// HasPendingWrite reports whether a write to a connection is waiting for an agent.
func (s *DB) HasPendingWrite(ctx context.Context, agentID, connectionID string) (bool, error) {
	var n int
	err := s.x.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM outbox WHERE agent_id = ? AND connection_id = ? AND state = ?"),
		agentID, connectionID, model.WritePending).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("checking pending writes: %w", s.mapErr(err))
	}
	return n > 0, nil
}

// EnqueueWrites adds writes outside a presence change (drift repair).
func (s *DB) EnqueueWrites(ctx context.Context, writes []*model.OutboxWrite) error {
	if err := s.inTx(ctx, func(tx queryer) error { return s.insertWrites(ctx, tx, writes) }); err != nil {
		return fmt.Errorf("enqueueing writes: %w", err)
	}
	return nil
}

// DueWrites lists pending writes whose next attempt is due, oldest first, across tenants.
func (s *DB) DueWrites(ctx context.Context, now time.Time, limit int) ([]*model.OutboxWrite, error) {
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+outboxCols+" FROM outbox WHERE state = ? AND next_attempt_time <= ? ORDER BY id LIMIT ?"),
		model.WritePending, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("listing due writes: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanWrite)
	if err != nil {
		return nil, fmt.Errorf("listing due writes: %w", err)
	}
	return list, nil
}

// NextDue returns when the earliest pending write is due (false when none is pending).
func (s *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.x.QueryRowContext(ctx, s.q("SELECT MIN(next_attempt_time) FROM outbox WHERE state = ?"), model.WritePending).Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("finding next due write: %w", s.mapErr(err))
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return fromMicros(next.Int64), true, nil
}

// MarkDelivered records a successful write. A write superseded while it was on its way keeps that
// state, but its attempt and answer time are recorded: the vendor applied it, and its notification is
// the echo of it (LastSent).
func (s *DB) MarkDelivered(ctx context.Context, id string, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`UPDATE outbox SET state = CASE WHEN state = ? THEN ? ELSE state END, attempts = attempts + 1,
		last_error = '', claim_owner = '', update_time = ? WHERE id = ? AND state IN (?, ?)`),
		model.WritePending, model.WriteDelivered, micros(at), id, model.WritePending, model.WriteSuperseded)
	if err != nil {
		return fmt.Errorf("marking write delivered: %w", s.mapErr(err))
	}
	return nil
}

// MarkStoodDown supersedes a claimed write that was not sent: its condition failed (the vendor no
// longer shows IfState). It counts no attempt, so it is never taken for a write the vendor may have
// applied (LastSent).
func (s *DB) MarkStoodDown(ctx context.Context, id, reason string, at time.Time) error {
	_, err := s.x.ExecContext(ctx, s.q(`UPDATE outbox SET state = ?, last_error = ?, claim_owner = '', update_time = ?
		WHERE id = ? AND state = ?`), model.WriteSuperseded, reason, micros(at), id, model.WritePending)
	if err != nil {
		return fmt.Errorf("marking write stood down: %w", s.mapErr(err))
	}
	return nil
}

// MarkFailed records a failed attempt: retried at next, or dead-lettered. A write superseded while it
// was on its way keeps that state, with the attempt recorded (the vendor may have applied it).
func (s *DB) MarkFailed(ctx context.Context, id string, attempts int32, next time.Time, lastError string, dead bool, at time.Time) error {
	state := model.WritePending
	if dead {
		state = model.WriteDead
	}
	_, err := s.x.ExecContext(ctx, s.q(`UPDATE outbox SET state = CASE WHEN state = ? THEN ? ELSE state END, attempts = ?,
		next_attempt_time = ?, last_error = ?, claim_owner = '', update_time = ? WHERE id = ? AND state IN (?, ?)`),
		model.WritePending, state, attempts, micros(next), lastError, micros(at), id, model.WritePending, model.WriteSuperseded)
	if err != nil {
		return fmt.Errorf("marking write failed: %w", s.mapErr(err))
	}
	return nil
}

// GetWrite reads one write of a tenant.
func (s *DB) GetWrite(ctx context.Context, tenantID, id string) (*model.OutboxWrite, error) {
	w, err := scanWrite(s.x.QueryRowContext(ctx, s.q("SELECT "+outboxCols+" FROM outbox WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting write: %w", s.mapErr(err))
	}
	return w, nil
}

// ListWrites pages through a tenant's writes, newest first, optionally of one connection and state.
func (s *DB) ListWrites(ctx context.Context, tenantID, connectionID, state string, p Page) ([]*model.OutboxWrite, string, error) {
	before, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := "SELECT " + outboxCols + " FROM outbox WHERE tenant_id = ?"
	args := []any{tenantID}
	for _, f := range []struct{ col, v string }{{"connection_id", connectionID}, {"state", state}, {"id <", before}} {
		if f.v != "" {
			op := " = ?"
			if f.col == "id <" {
				op = " ?"
			}
			query += " AND " + f.col + op
			args = append(args, f.v)
		}
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id DESC LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing writes: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanWrite)
	if err != nil {
		return nil, "", fmt.Errorf("listing writes: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(w *model.OutboxWrite) string { return w.ID })
	return list, next, nil
}

// RetryWrite puts a dead-lettered write back in the queue, due now. A write that is not dead, or that a
// newer write of the same agent and connection has replaced, answers a ConflictError.
func (s *DB) RetryWrite(ctx context.Context, tenantID, id string, at time.Time) (*model.OutboxWrite, error) {
	var out *model.OutboxWrite
	err := s.inTx(ctx, func(tx queryer) error {
		w, err := scanWrite(tx.QueryRowContext(ctx, s.q("SELECT "+outboxCols+" FROM outbox WHERE tenant_id = ? AND id = ?"), tenantID, id))
		if err != nil {
			return err
		}
		if w.State != model.WriteDead {
			return &ConflictError{Constraint: "outbox_not_dead"}
		}
		var newer int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM outbox WHERE agent_id = ? AND connection_id = ? AND id > ? AND state IN (?, ?)"),
			w.AgentID, w.ConnectionID, w.ID, model.WritePending, model.WriteDelivered).Scan(&newer); err != nil {
			return err
		}
		if newer > 0 {
			return &ConflictError{Constraint: "outbox_superseded"}
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE outbox SET state = ?, attempts = 0, next_attempt_time = ?, update_time = ? WHERE id = ?"),
			model.WritePending, micros(at), micros(at), w.ID); err != nil {
			return err
		}
		w.State, w.Attempts, w.NextAttemptTime, w.UpdateTime = model.WritePending, 0, at, at
		out = w
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("retrying write: %w", err)
	}
	return out, nil
}

// WritesForVersions lists the writes caused by the given presence versions of an agent, oldest first.
func (s *DB) WritesForVersions(ctx context.Context, tenantID, agentID string, versions []int64) ([]*model.OutboxWrite, error) {
	if len(versions) == 0 {
		return nil, nil
	}
	args := []any{tenantID, agentID}
	for _, v := range versions {
		args = append(args, v)
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+outboxCols+" FROM outbox WHERE tenant_id = ? AND agent_id = ? AND presence_version IN ("+
		placeholders(len(versions))+") ORDER BY id"), args...)
	if err != nil {
		return nil, fmt.Errorf("listing writes of versions: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanWrite)
	if err != nil {
		return nil, fmt.Errorf("listing writes of versions: %w", err)
	}
	return list, nil
}

func scanWrite(r scanner) (*model.OutboxWrite, error) {
	var w model.OutboxWrite
	var next, ct, ut int64
	if err := r.Scan(&w.ID, &w.TenantID, &w.ConnectionID, &w.AgentID, &w.ExternalID, &w.Status, &w.VendorState, &w.PresenceVersion,
		&w.RuleID, &w.State, &w.Attempts, &next, &w.LastError, &ct, &ut, &w.IfState); err != nil {
		return nil, err
	}
	w.NextAttemptTime, w.CreateTime, w.UpdateTime = fromMicros(next), fromMicros(ct), fromMicros(ut)
	return &w, nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"presencehub.dev/hub/internal/model"
)

// HeldChange is a presence change the engine's flow control holds until the agent's rate allows it. The
// engine answered it ("coalesced"), so it is stored before that answer and survives a crash.
type HeldChange struct {
	// ID names this hold; a later change of the agent replaces it under a new id.
	ID       string
	TenantID string
	AgentID  string
	// Status, Source, SourceID, Reason and RuleID are the request's; SourceState is the state a
	// vendor reported (a change from a connection).
	Status, Source, SourceID, Reason, RuleID, SourceState string
	// DueTime is when the engine means to apply it; CreateTime is when it was requested.
	DueTime, CreateTime time.Time
	// Owed lists the connections that must be written the agent's status if the change is resolved
	// without being applied (the sources of the changes it replaced).
	Owed []Owed
}

// Owed is a connection a held change owes the agent's status, and the state its vendor reported: the
// write is made only while the vendor still shows it ("": unconditionally; holds stored before
// migration 00016).
type Owed struct{ ConnectionID, State string }

// encodeOwed is the owed column (connection ids, comma-separated) and owed_states (a JSON object).
func encodeOwed(owed []Owed) (ids, states string) {
	list, m := make([]string, 0, len(owed)), map[string]string{}
	for _, o := range owed {
		list = append(list, o.ConnectionID)
		if o.State != "" {
			m[o.ConnectionID] = o.State
		}
	}
	if len(m) == 0 {
		return strings.Join(list, ","), ""
	}
	b, _ := json.Marshal(m)
	return strings.Join(list, ","), string(b)
}

// decodeOwed reads what encodeOwed wrote.
func decodeOwed(ids, states string) ([]Owed, error) {
	if ids == "" {
		return nil, nil
	}
	m := map[string]string{}
	if states != "" {
		if err := json.Unmarshal([]byte(states), &m); err != nil {
			return nil, fmt.Errorf("reading owed states: %w", err)
		}
	}
	var out []Owed
	for _, id := range strings.Split(ids, ",") {
		out = append(out, Owed{ConnectionID: id, State: m[id]})
	}
	return out, nil
}

// ErrHoldGone answers the release of a held change that is no longer stored under that id (applied
// elsewhere, or replaced by a later change).
var ErrHoldGone = fmt.Errorf("held change released or replaced: %w", ErrNotFound)

// HeldChanges persists the changes flow control holds, at most one per agent (newest wins).
type HeldChanges interface {
	HoldChange(ctx context.Context, h *HeldChange) error
	ListHeldChanges(ctx context.Context, dueBefore time.Time, afterAgent string, limit int) ([]*HeldChange, error)
	SaveHeldPresence(ctx context.Context, p *model.Presence, expectVersion int64, entry *model.TimelineEntry, writes []*model.OutboxWrite, holdID string) error
	ReleaseHeldChange(ctx context.Context, tenantID, agentID, holdID string, writes []*model.OutboxWrite) error
}

var _ HeldChanges = (*DB)(nil)

const heldCols = "agent_id, tenant_id, id, status, source, source_id, reason, rule_id, due_time, create_time, owed, source_state, owed_states"

// HoldChange stores h as the agent's held change, replacing the one held before.
func (s *DB) HoldChange(ctx context.Context, h *HeldChange) error {
	owed, owedStates := encodeOwed(h.Owed)
	_, err := s.x.ExecContext(ctx, s.q(`INSERT INTO held_changes (`+heldCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (agent_id) DO UPDATE SET id = excluded.id, status = excluded.status, source = excluded.source,
		source_id = excluded.source_id, reason = excluded.reason, rule_id = excluded.rule_id, due_time = excluded.due_time,
		create_time = excluded.create_time, owed = excluded.owed, source_state = excluded.source_state, owed_states = excluded.owed_states`),
		h.AgentID, h.TenantID, h.ID, h.Status, h.Source, h.SourceID, h.Reason, h.RuleID, micros(h.DueTime), micros(h.CreateTime),
		owed, h.SourceState, owedStates)
	if err != nil {
		return fmt.Errorf("holding change: %w", s.mapErr(err))
	}
	return nil
}

// ListHeldChanges pages through the held changes of every tenant due before dueBefore, by agent id
// after afterAgent (for the engine's restore on start and its adoption of a stopped replica's holds).
func (s *DB) ListHeldChanges(ctx context.Context, dueBefore time.Time, afterAgent string, limit int) ([]*HeldChange, error) {
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+heldCols+" FROM held_changes WHERE due_time < ? AND agent_id > ? ORDER BY agent_id LIMIT ?"),
		micros(dueBefore), afterAgent, limit)
	if err != nil {
		return nil, fmt.Errorf("listing held changes: %w", s.mapErr(err))
	}
	list, err := collect(rows, func(r scanner) (*HeldChange, error) {
		var h HeldChange
		var due, created int64
		var owed, owedStates string
		if err := r.Scan(&h.AgentID, &h.TenantID, &h.ID, &h.Status, &h.Source, &h.SourceID, &h.Reason, &h.RuleID, &due, &created,
			&owed, &h.SourceState, &owedStates); err != nil {
			return nil, err
		}
		h.DueTime, h.CreateTime = fromMicros(due), fromMicros(created)
		var err error
		h.Owed, err = decodeOwed(owed, owedStates)
		return &h, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing held changes: %w", err)
	}
	return list, nil
}

// SaveHeldPresence is SavePresence for the flush of a held change: the hold holdID is deleted in the
// transaction of the change, so the change applies exactly once even across a crash. It answers
// ErrHoldGone (nothing saved) when the agent's hold is no longer holdID.
func (s *DB) SaveHeldPresence(ctx context.Context, p *model.Presence, expectVersion int64, entry *model.TimelineEntry, writes []*model.OutboxWrite, holdID string) error {
	j := &saveJob{ctx: ctx, p: p, expect: expectVersion, entry: entry, writes: writes}
	err := s.inTx(ctx, func(tx queryer) error {
		if err := s.releaseHeld(ctx, tx, p.TenantID, p.AgentID, holdID); err != nil {
			return err
		}
		return s.savePresenceTx(ctx, tx, j)
	})
	if err != nil {
		return fmt.Errorf("saving held presence: %w", err)
	}
	return nil
}

// ReleaseHeldChange deletes the agent's held change if it is still holdID (ErrHoldGone otherwise, and
// nothing is queued), queuing writes (what a change resolved without being applied owes its sources)
// in the same transaction.
func (s *DB) ReleaseHeldChange(ctx context.Context, tenantID, agentID, holdID string, writes []*model.OutboxWrite) error {
	err := s.inTx(ctx, func(tx queryer) error {
		if err := s.releaseHeld(ctx, tx, tenantID, agentID, holdID); err != nil {
			return err
		}
		return s.insertWrites(ctx, tx, writes)
	})
	if err != nil {
		return fmt.Errorf("releasing held change: %w", s.mapErr(err))
	}
	return nil
}

func (s *DB) releaseHeld(ctx context.Context, q queryer, tenantID, agentID, holdID string) error {
	res, err := q.ExecContext(ctx, s.q("DELETE FROM held_changes WHERE tenant_id = ? AND agent_id = ? AND id = ?"), tenantID, agentID, holdID)
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return ErrHoldGone
	}
	return nil
}

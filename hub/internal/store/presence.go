package store

import (
	"context"
	"database/sql"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Presences persists each agent's authoritative presence and its timeline.
type Presences interface {
	GetPresence(ctx context.Context, tenantID, agentID string) (*model.Presence, error)
	ListPresences(ctx context.Context, tenantID string, agentIDs []string) ([]*model.Presence, error)
	SavePresence(ctx context.Context, p *model.Presence, expectVersion int64, entry *model.TimelineEntry, writes []*model.OutboxWrite) error
	AppendTimeline(ctx context.Context, e *model.TimelineEntry) error
	ListTimeline(ctx context.Context, tenantID, agentID string, p Page) ([]*model.TimelineEntry, string, error)
}

const presenceCols = "tenant_id, agent_id, status, version, source, source_id, reason, previous_status, held_status, queued_status, update_time"

// GetPresence reads an agent's presence; ErrNotFound when it was never set.
func (s *DB) GetPresence(ctx context.Context, tenantID, agentID string) (*model.Presence, error) {
	p, err := scanPresence(s.x.QueryRowContext(ctx, s.q("SELECT "+presenceCols+" FROM presences WHERE tenant_id = ? AND agent_id = ?"), tenantID, agentID))
	if err != nil {
		return nil, fmt.Errorf("getting presence: %w", s.mapErr(err))
	}
	return p, nil
}

// ListPresences reads the presences of the given agents that have one.
func (s *DB) ListPresences(ctx context.Context, tenantID string, agentIDs []string) ([]*model.Presence, error) {
	if len(agentIDs) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	for _, id := range agentIDs {
		args = append(args, id)
	}
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+presenceCols+" FROM presences WHERE tenant_id = ? AND agent_id IN ("+placeholders(len(agentIDs))+")"), args...)
	if err != nil {
		return nil, fmt.Errorf("listing presences: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanPresence)
	if err != nil {
		return nil, fmt.Errorf("listing presences: %w", err)
	}
	return list, nil
}

// SavePresence writes p if the stored version is still expectVersion (0: none stored yet), together with
// its timeline entry and the vendor writes it causes, in one transaction, which concurrent changes of
// other agents may share (group commit). A lost race answers ErrVersionRace.
func (s *DB) SavePresence(ctx context.Context, p *model.Presence, expectVersion int64, entry *model.TimelineEntry, writes []*model.OutboxWrite) error {
	j := &saveJob{ctx: ctx, p: p, expect: expectVersion, entry: entry, writes: writes, done: make(chan error, 1)}
	var err error
	if s.submit(j) {
		err = <-j.done // not abandoned on ctx: the change may be committing
	} else {
		err = s.saveOne(j, s.inTx)
	}
	if err != nil {
		return fmt.Errorf("saving presence: %w", s.mapErr(err))
	}
	return nil
}

// savePresenceTx writes one change inside tx. A version conflict is reported without failing tx, so the
// other changes of a group still commit.
func (s *DB) savePresenceTx(ctx context.Context, tx queryer, j *saveJob) error {
	p := j.p
	args := make([]any, 0, 12) // room for the key and the version compared: one allocation, not two
	args = append(args, p.Status, p.Version, p.Source, p.SourceID, p.Reason, p.PreviousStatus, p.HeldStatus, p.QueuedStatus, micros(p.UpdateTime))
	var res sql.Result
	var err error
	if j.expect == 0 {
		res, err = tx.ExecContext(ctx, s.q(`INSERT INTO presences (status, version, source, source_id, reason, previous_status, held_status,
			queued_status, update_time, tenant_id, agent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			append(args, p.TenantID, p.AgentID)...)
	} else {
		res, err = tx.ExecContext(ctx, s.q(`UPDATE presences SET status = ?, version = ?, source = ?, source_id = ?, reason = ?,
			previous_status = ?, held_status = ?, queued_status = ?, update_time = ? WHERE tenant_id = ? AND agent_id = ? AND version = ?`),
			append(args, p.TenantID, p.AgentID, j.expect)...)
	}
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return ErrVersionRace
	}
	if err := s.appendTimeline(ctx, tx, j.entry); err != nil {
		return err
	}
	return s.insertWrites(ctx, tx, j.writes)
}

// AppendTimeline records a request that did not change the presence (queued, refused, ignored).
func (s *DB) AppendTimeline(ctx context.Context, e *model.TimelineEntry) error {
	if err := s.appendTimeline(ctx, s.x, e); err != nil {
		return fmt.Errorf("appending timeline: %w", s.mapErr(err))
	}
	return nil
}

func (s *DB) appendTimeline(ctx context.Context, q queryer, e *model.TimelineEntry) error {
	if e.CreateTime.IsZero() {
		e.CreateTime = s.now()
	}
	_, err := q.ExecContext(ctx, s.q(`INSERT INTO timeline (id, tenant_id, agent_id, outcome, requested_status, status, previous_status,
		version, source, source_id, reason, rule_id, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.TenantID, e.AgentID, e.Outcome, e.RequestedStatus, e.Status, e.PreviousStatus, e.Version, e.Source, e.SourceID,
		e.Reason, e.RuleID, micros(e.CreateTime))
	return err
}

// ListTimeline pages through an agent's timeline, newest first.
func (s *DB) ListTimeline(ctx context.Context, tenantID, agentID string, p Page) ([]*model.TimelineEntry, string, error) {
	before, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := `SELECT id, tenant_id, agent_id, outcome, requested_status, status, previous_status, version, source, source_id,
		reason, rule_id, create_time FROM timeline WHERE tenant_id = ? AND agent_id = ?`
	args := []any{tenantID, agentID}
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id DESC LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing timeline: %w", s.mapErr(err))
	}
	list, err := collect(rows, func(r scanner) (*model.TimelineEntry, error) {
		var e model.TimelineEntry
		var ct int64
		err := r.Scan(&e.ID, &e.TenantID, &e.AgentID, &e.Outcome, &e.RequestedStatus, &e.Status, &e.PreviousStatus, &e.Version,
			&e.Source, &e.SourceID, &e.Reason, &e.RuleID, &ct)
		e.CreateTime = fromMicros(ct)
		return &e, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing timeline: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(e *model.TimelineEntry) string { return e.ID })
	return list, next, nil
}

func scanPresence(r scanner) (*model.Presence, error) {
	var p model.Presence
	var ut int64
	if err := r.Scan(&p.TenantID, &p.AgentID, &p.Status, &p.Version, &p.Source, &p.SourceID, &p.Reason, &p.PreviousStatus,
		&p.HeldStatus, &p.QueuedStatus, &ut); err != nil {
		return nil, err
	}
	p.UpdateTime = fromMicros(ut)
	return &p, nil
}

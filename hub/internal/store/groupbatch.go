package store

import (
	"context"
	"errors"
	"strings"

	"presencehub.dev/hub/internal/model"
)

// saveGroupBatched writes a group's changes to PostgreSQL with one multi-row UPDATE of the presences
// (each row still compared with its expected version) and one multi-row INSERT of their timeline
// entries, instead of two round trips per change. First saves (no row yet) and vendor writes go one by
// one, as in savePresenceTx. results[i] is batch[i]'s outcome; a lost version race is its own
// ErrVersionRace, any other error is returned (and fails the group, retried change by change).
func (s *DB) saveGroupBatched(ctx context.Context, tx queryer, batch []*saveJob, results []error) error {
	var updates, again []int
	seen := map[string]bool{}
	for i, j := range batch {
		switch {
		case j.ctx.Err() != nil:
			results[i] = j.ctx.Err()
		case seen[j.p.AgentID]:
			again = append(again, i) // a second change of one agent (callers without the engine's lock)
		case j.expect == 0:
			if results[i] = s.savePresenceTx(j.ctx, tx, j); results[i] != nil && !errors.Is(results[i], ErrVersionRace) {
				return results[i]
			}
		default:
			updates = append(updates, i)
		}
		seen[j.p.AgentID] = true
	}
	if err := s.saveGroupUpdates(ctx, tx, batch, updates, results); err != nil {
		return err
	}
	for _, i := range again {
		if results[i] = s.savePresenceTx(batch[i].ctx, tx, batch[i]); results[i] != nil && !errors.Is(results[i], ErrVersionRace) {
			return results[i]
		}
	}
	return nil
}

// saveGroupUpdates runs the multi-row UPDATE and INSERT for the changes of distinct agents in updates.
func (s *DB) saveGroupUpdates(ctx context.Context, tx queryer, batch []*saveJob, updates []int, results []error) error {
	if len(updates) == 0 {
		return nil
	}
	raw := unprepared(tx)
	const row = "(?::text, ?::text, ?::bigint, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::bigint)"
	args := make([]any, 0, 12*len(updates))
	for _, i := range updates {
		p := batch[i].p
		args = append(args, p.TenantID, p.AgentID, batch[i].expect, p.Status, p.Version, p.Source, p.SourceID, p.Reason,
			p.PreviousStatus, p.HeldStatus, p.QueuedStatus, micros(p.UpdateTime))
	}
	rows, err := raw.QueryContext(ctx, s.q(`UPDATE presences AS p SET status = v.status, version = v.version, source = v.source,
		source_id = v.source_id, reason = v.reason, previous_status = v.previous_status, held_status = v.held_status,
		queued_status = v.queued_status, update_time = v.update_time
		FROM (VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(updates)), ", ")+`) AS v (tenant_id, agent_id, expect,
			status, version, source, source_id, reason, previous_status, held_status, queued_status, update_time)
		WHERE p.tenant_id = v.tenant_id AND p.agent_id = v.agent_id AND p.version = v.expect
		RETURNING p.agent_id`), args...)
	if err != nil {
		return err
	}
	saved := map[string]bool{}
	for rows.Next() {
		var agent string
		if err := rows.Scan(&agent); err != nil {
			rows.Close()
			return err
		}
		saved[agent] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var entries []*model.TimelineEntry
	for _, i := range updates {
		if !saved[batch[i].p.AgentID] {
			results[i] = ErrVersionRace
			continue
		}
		entries = append(entries, batch[i].entry)
		if err := s.insertWrites(batch[i].ctx, tx, batch[i].writes); err != nil {
			return err
		}
	}
	return s.appendTimelines(ctx, raw, entries)
}

// appendTimelines inserts entries with one statement.
func (s *DB) appendTimelines(ctx context.Context, tx queryer, entries []*model.TimelineEntry) error {
	if len(entries) == 0 {
		return nil
	}
	args := make([]any, 0, 13*len(entries))
	for _, e := range entries {
		if e.CreateTime.IsZero() {
			e.CreateTime = s.now()
		}
		args = append(args, e.ID, e.TenantID, e.AgentID, e.Outcome, e.RequestedStatus, e.Status, e.PreviousStatus, e.Version,
			e.Source, e.SourceID, e.Reason, e.RuleID, micros(e.CreateTime))
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO timeline (id, tenant_id, agent_id, outcome, requested_status, status, previous_status,
		version, source, source_id, reason, rule_id, create_time) VALUES `+
		strings.TrimSuffix(strings.Repeat("("+placeholders(13)+"), ", len(entries)), ", ")), args...)
	return err
}

// unprepared is tx without the statement cache: for statements whose text changes with the group's size,
// which would only fill the cache.
func unprepared(tx queryer) queryer {
	if t, ok := tx.(txStmts); ok {
		return t.tx
	}
	return tx
}

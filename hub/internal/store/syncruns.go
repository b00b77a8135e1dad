package store

import (
	"context"
	"encoding/json"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// SyncRuns persists agent sync runs. At most one run per connection is running: creating a second
// answers a ConflictError on "sync_runs_active_key".
type SyncRuns interface {
	CreateSyncRun(ctx context.Context, r *model.SyncRun) error
	GetSyncRun(ctx context.Context, tenantID, id string) (*model.SyncRun, error)
	ListSyncRuns(ctx context.Context, tenantID, connectionID string, p Page) ([]*model.SyncRun, string, error)
	LatestSyncRun(ctx context.Context, tenantID, connectionID string) (*model.SyncRun, error)
	RunningSyncRuns(ctx context.Context) ([]*model.SyncRun, error)
	ApplySyncPage(ctx context.Context, r *model.SyncRun, users []SyncUser, next string, decide func(SyncFacts) SyncPlan) error
	ResumeSyncRun(ctx context.Context, r *model.SyncRun, owner string) error
	ResetSyncRun(ctx context.Context, r *model.SyncRun) error
	FinishSyncRun(ctx context.Context, r *model.SyncRun, state, errMsg string) error
}

const syncRunCols = "id, tenant_id, connection_id, triggered_by, state, page_cursor, pages, restarts, report, error, create_time, update_time, end_time, owner"

// CreateSyncRun inserts a running run.
func (s *DB) CreateSyncRun(ctx context.Context, r *model.SyncRun) error {
	r.CreateTime, r.UpdateTime, r.State = s.now(), s.now(), model.SyncRunning
	report, err := json.Marshal(r.Report)
	if err != nil {
		return fmt.Errorf("creating sync run: %w", err)
	}
	_, err = s.x.ExecContext(ctx, s.q("INSERT INTO sync_runs ("+syncRunCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		r.ID, r.TenantID, r.ConnectionID, r.Trigger, r.State, r.Cursor, r.Pages, r.Restarts, string(report), r.Error,
		micros(r.CreateTime), micros(r.UpdateTime), micros(r.EndTime), r.Owner)
	if err != nil {
		return fmt.Errorf("creating sync run: %w", s.mapErr(err))
	}
	return nil
}

// GetSyncRun reads one run of a tenant.
func (s *DB) GetSyncRun(ctx context.Context, tenantID, id string) (*model.SyncRun, error) {
	r, err := scanSyncRun(s.x.QueryRowContext(ctx, s.q("SELECT "+syncRunCols+" FROM sync_runs WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting sync run: %w", s.mapErr(err))
	}
	return r, nil
}

// ListSyncRuns pages through a connection's runs, newest first.
func (s *DB) ListSyncRuns(ctx context.Context, tenantID, connectionID string, p Page) ([]*model.SyncRun, string, error) {
	before, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := "SELECT " + syncRunCols + " FROM sync_runs WHERE tenant_id = ? AND connection_id = ?"
	args := []any{tenantID, connectionID}
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id DESC LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing sync runs: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanSyncRun)
	if err != nil {
		return nil, "", fmt.Errorf("listing sync runs: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(r *model.SyncRun) string { return r.ID })
	return list, next, nil
}

// LatestSyncRun reads a connection's newest run (ErrNotFound when it never ran).
func (s *DB) LatestSyncRun(ctx context.Context, tenantID, connectionID string) (*model.SyncRun, error) {
	r, err := scanSyncRun(s.x.QueryRowContext(ctx, s.q("SELECT "+syncRunCols+
		" FROM sync_runs WHERE tenant_id = ? AND connection_id = ? ORDER BY id DESC LIMIT 1"), tenantID, connectionID))
	if err != nil {
		return nil, fmt.Errorf("getting latest sync run: %w", s.mapErr(err))
	}
	return r, nil
}

// RunningSyncRuns lists every running run of the hub (to pick them up again after a restart).
func (s *DB) RunningSyncRuns(ctx context.Context) ([]*model.SyncRun, error) {
	rows, err := s.x.QueryContext(ctx, s.q("SELECT "+syncRunCols+" FROM sync_runs WHERE state = ? ORDER BY id"), model.SyncRunning)
	if err != nil {
		return nil, fmt.Errorf("listing running sync runs: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanSyncRun)
	if err != nil {
		return nil, fmt.Errorf("listing running sync runs: %w", err)
	}
	return list, nil
}

// ResumeSyncRun hands a running run whose replica is gone (a restart, or another replica's death) to
// owner and counts the pick-up. It answers ErrNotFound when the run ended or another replica took it
// since r was read.
func (s *DB) ResumeSyncRun(ctx context.Context, r *model.SyncRun, owner string) error {
	now := s.now()
	res, err := s.x.ExecContext(ctx, s.q("UPDATE sync_runs SET restarts = restarts + 1, owner = ?, update_time = ? WHERE id = ? AND state = ? AND owner = ?"),
		owner, micros(now), r.ID, model.SyncRunning, r.Owner)
	if err == nil {
		err = affectedOne(res)
	}
	if err != nil {
		return fmt.Errorf("resuming sync run: %w", s.mapErr(err))
	}
	r.Restarts++
	r.UpdateTime, r.Owner = now, owner
	return nil
}

// ResetSyncRun forgets a running run's progress (its cursor could not be used again): the users read
// so far, the report, the cursor and the page count. Links written stay.
func (s *DB) ResetSyncRun(ctx context.Context, r *model.SyncRun) error {
	now := s.now()
	err := s.inTx(ctx, func(tx queryer) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM sync_run_users WHERE run_id = ?"), r.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE sync_runs SET page_cursor = '', pages = 0, report = '{}', update_time = ? WHERE id = ? AND state = ?"),
			micros(now), r.ID, model.SyncRunning)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
	if err != nil {
		return fmt.Errorf("resetting sync run: %w", err)
	}
	r.Cursor, r.Pages, r.Report, r.UpdateTime = "", 0, model.SyncReport{}, now
	return nil
}

// FinishSyncRun ends a running run in state (succeeded or failed). A successful run also counts the
// tenant's agents no vendor user matched: neither matched by email nor linked to an id the run read.
// The users the run read are forgotten.
func (s *DB) FinishSyncRun(ctx context.Context, r *model.SyncRun, state, errMsg string) error {
	next := *r
	next.Report = r.Report.Clone()
	next.State, next.Error, next.UpdateTime, next.EndTime = state, errMsg, s.now(), s.now()
	err := s.inTx(ctx, func(tx queryer) error {
		if state == model.SyncSucceeded {
			err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM agents a WHERE a.tenant_id = ?
				AND NOT EXISTS (SELECT 1 FROM sync_run_users u WHERE u.run_id = ? AND u.agent_id = a.id)
				AND NOT EXISTS (SELECT 1 FROM agent_identities i JOIN sync_run_users u ON u.run_id = ? AND u.external_id = i.external_id
					WHERE i.agent_id = a.id AND i.connection_id = ?)`), r.TenantID, r.ID, r.ID, r.ConnectionID).Scan(&next.Report.UnmatchedHub)
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM sync_run_users WHERE run_id = ?"), r.ID); err != nil {
			return err
		}
		report, err := json.Marshal(next.Report)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE sync_runs SET state = ?, error = ?, report = ?, update_time = ?, end_time = ? WHERE id = ? AND state = ?"),
			next.State, next.Error, string(report), micros(next.UpdateTime), micros(next.EndTime), r.ID, model.SyncRunning)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
	if err != nil {
		return fmt.Errorf("finishing sync run: %w", err)
	}
	*r = next
	return nil
}

func scanSyncRun(r scanner) (*model.SyncRun, error) {
	var run model.SyncRun
	var report string
	var ct, ut, et int64
	if err := r.Scan(&run.ID, &run.TenantID, &run.ConnectionID, &run.Trigger, &run.State, &run.Cursor, &run.Pages, &run.Restarts,
		&report, &run.Error, &ct, &ut, &et, &run.Owner); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(report), &run.Report); err != nil {
		return nil, fmt.Errorf("decoding sync report: %w", err)
	}
	run.CreateTime, run.UpdateTime, run.EndTime = fromMicros(ct), fromMicros(ut), fromMicros(et)
	return &run, nil
}

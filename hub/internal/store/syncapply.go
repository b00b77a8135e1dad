package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
)

// SyncUser is one vendor user of an agent sync page.
type SyncUser struct {
	ExternalID string
	Email      string
	Name       string
}

// LinkedAgent is an agent as agent sync sees it: its email and its link on the run's connection.
type LinkedAgent struct {
	ID    string
	Email string
	// ExternalID is the agent's vendor user on the connection ("" when not linked).
	ExternalID string
	Pinned     bool
}

// SyncFacts is what the store knows about one vendor user, read in the page's transaction.
type SyncFacts struct {
	User SyncUser
	// Repeat: the run already read this user (the vendor listed it twice).
	Repeat bool
	// EmailSeenAs is the external id of an earlier user of the run with the same email ("" if none).
	EmailSeenAs string
	// ByEmail is the agent with the user's email (nil if none); Holder the agent linked to the user's
	// id on the connection (nil if none). They may be the same agent.
	ByEmail *LinkedAgent
	Holder  *LinkedAgent
}

// SyncPlan is what agent sync decided for one user.
type SyncPlan struct {
	// Outcome is one of the model.Sync* outcomes ("" with Repeat: the user is skipped).
	Outcome  string
	Conflict *model.SyncConflict
	Error    string
	// Link links this agent to the user (replacing its link on the connection); Unlink removes this
	// agent's link to the user's id first (the id moved away from it).
	Link, Unlink string
	// Create adds an agent with the user's email and name, linked to the user.
	Create bool
	// Matched is the agent the user was matched to by email ("" if none), for the agents left unmatched.
	Matched string
}

// ApplySyncPage applies one page of a run in one transaction: for each user, reads its facts, asks
// decide, writes the links, notes the user, counts the outcome; then saves the run's progress (next
// cursor, pages, report). A run interrupted between pages resumes exactly after its last saved page.
func (s *DB) ApplySyncPage(ctx context.Context, r *model.SyncRun, users []SyncUser, next string, decide func(SyncFacts) SyncPlan) error {
	report := r.Report.Clone()
	now := s.now()
	changed := false
	err := s.inTx(ctx, func(tx queryer) error {
		for _, u := range users {
			f, err := s.syncFacts(ctx, tx, r, u)
			if err != nil {
				return err
			}
			plan := decide(f)
			if plan.Outcome == "" {
				continue
			}
			wrote, created, err := s.applySyncPlan(ctx, tx, r, u, plan, now)
			if err != nil {
				return err
			}
			changed = changed || wrote
			if created != "" {
				plan.Matched = created
			}
			if u.ExternalID != "" {
				if _, err := tx.ExecContext(ctx, s.q("INSERT INTO sync_run_users (run_id, external_id, email_key, agent_id) VALUES (?, ?, ?, ?)"),
					r.ID, u.ExternalID, EmailKey(u.Email), plan.Matched); err != nil {
					return err
				}
			}
			report.Count(plan.Outcome, plan.Conflict, plan.Error)
		}
		b, err := json.Marshal(report)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE sync_runs SET page_cursor = ?, pages = pages + 1, report = ?, update_time = ? WHERE id = ? AND state = ?"),
			next, string(b), micros(now), r.ID, model.SyncRunning)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
	if changed {
		s.changed(r.TenantID, ChangedAgents)
	}
	if err != nil {
		return fmt.Errorf("applying sync page: %w", err)
	}
	r.Report, r.Cursor, r.UpdateTime = report, next, now
	r.Pages++
	return nil
}

// syncFacts reads what the store knows about u.
func (s *DB) syncFacts(ctx context.Context, tx queryer, r *model.SyncRun, u SyncUser) (SyncFacts, error) {
	f := SyncFacts{User: u}
	if u.ExternalID == "" {
		return f, nil
	}
	var one int
	err := tx.QueryRowContext(ctx, s.q("SELECT 1 FROM sync_run_users WHERE run_id = ? AND external_id = ?"), r.ID, u.ExternalID).Scan(&one)
	if err = s.mapErr(err); err == nil {
		f.Repeat = true
		return f, nil
	} else if err != ErrNotFound {
		return f, err
	}
	key := EmailKey(u.Email)
	if key != "" {
		err := tx.QueryRowContext(ctx, s.q("SELECT external_id FROM sync_run_users WHERE run_id = ? AND email_key = ? LIMIT 1"), r.ID, key).Scan(&f.EmailSeenAs)
		if err = s.mapErr(err); err != nil && err != ErrNotFound {
			return f, err
		}
		if f.ByEmail, err = s.linkedAgent(ctx, tx, `SELECT a.id, a.email, COALESCE(i.external_id, ''), COALESCE(i.pinned, ?) FROM agents a
			LEFT JOIN agent_identities i ON i.agent_id = a.id AND i.connection_id = ? WHERE a.tenant_id = ? AND a.email_key = ?`,
			false, r.ConnectionID, r.TenantID, key); err != nil {
			return f, err
		}
	}
	var err2 error
	f.Holder, err2 = s.linkedAgent(ctx, tx, `SELECT a.id, a.email, i.external_id, i.pinned FROM agent_identities i JOIN agents a ON a.id = i.agent_id
		WHERE a.tenant_id = ? AND i.connection_id = ? AND i.external_id = ?`, r.TenantID, r.ConnectionID, u.ExternalID)
	return f, err2
}

// linkedAgent reads one LinkedAgent (nil when no row matches).
func (s *DB) linkedAgent(ctx context.Context, tx queryer, query string, args ...any) (*LinkedAgent, error) {
	var a LinkedAgent
	err := s.mapErr(tx.QueryRowContext(ctx, s.q(query), args...).Scan(&a.ID, &a.Email, &a.ExternalID, &a.Pinned))
	if err == ErrNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// applySyncPlan writes a plan's links; it reports whether any agent changed, and the agent it created.
func (s *DB) applySyncPlan(ctx context.Context, tx queryer, r *model.SyncRun, u SyncUser, p SyncPlan, now time.Time) (wrote bool, created string, err error) {
	if p.Unlink != "" {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM agent_identities WHERE agent_id = ? AND connection_id = ? AND external_id = ?"),
			p.Unlink, r.ConnectionID, u.ExternalID); err != nil {
			return false, "", err
		}
		wrote = true
	}
	agent := p.Link
	if p.Create {
		agent = ids.New(ids.Agent)
		created = agent
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO agents (id, tenant_id, email, email_key, display_name, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)"),
			agent, r.TenantID, strings.TrimSpace(u.Email), EmailKey(u.Email), truncate(u.Name, maxSyncName), micros(now), micros(now)); err != nil {
			return false, "", err
		}
		wrote = true
	}
	if agent != "" {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM agent_identities WHERE agent_id = ? AND connection_id = ?"), agent, r.ConnectionID); err != nil {
			return false, "", err
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO agent_identities (agent_id, connection_id, external_id, pinned, link_time) VALUES (?, ?, ?, ?, ?)"),
			agent, r.ConnectionID, u.ExternalID, false, micros(now)); err != nil {
			return false, "", err
		}
		wrote = true
	}
	return wrote, created, nil
}

// maxSyncName bounds the display name of an agent sync creates (the API's limit).
const maxSyncName = 200

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

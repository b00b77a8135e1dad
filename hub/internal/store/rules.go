package store

import (
	"context"
	"encoding/json"
	"fmt"

	"presencehub.dev/hub/internal/model"
)

// Rules persists presence rules and their team and agent assignments. Per connection, a team and an agent
// can each be assigned to one rule only (ErrConflict otherwise), so which rule applies is never ambiguous.
type Rules interface {
	CreateRule(ctx context.Context, r *model.Rule) error
	CreateRules(ctx context.Context, rules []*model.Rule) error
	GetRule(ctx context.Context, tenantID, id string) (*model.Rule, error)
	ListRules(ctx context.Context, tenantID, connectionID string, p Page) ([]*model.Rule, string, error)
	UpdateRule(ctx context.Context, r *model.Rule) error
	DeleteRule(ctx context.Context, tenantID, id string) error
}

const ruleCols = "id, tenant_id, name, connection_id, inbound, outbound, fallback_status, skip_unavailable_validation, create_time, update_time"

// CreateRule inserts r with its assignments.
func (s *DB) CreateRule(ctx context.Context, r *model.Rule) error {
	return s.CreateRules(ctx, []*model.Rule{r})
}

// CreateRules inserts several rules with their assignments, all or none.
func (s *DB) CreateRules(ctx context.Context, rules []*model.Rule) error {
	defer func() {
		for _, r := range rules {
			s.changed(r.TenantID, ChangedRules)
		}
	}()
	err := s.inTx(ctx, func(tx queryer) error {
		for _, r := range rules {
			r.CreateTime, r.UpdateTime = s.now(), s.now()
			in, out, err := ruleJSON(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q("INSERT INTO rules ("+ruleCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
				r.ID, r.TenantID, r.Name, r.ConnectionID, in, out, r.FallbackStatus, r.SkipUnavailableValidation, micros(r.CreateTime), micros(r.UpdateTime)); err != nil {
				return err
			}
			if err := s.writeRuleAssignments(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating rule: %w", err)
	}
	return nil
}

func (s *DB) writeRuleAssignments(ctx context.Context, tx queryer, r *model.Rule) error {
	for _, table := range []string{"rule_teams", "rule_agents"} {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM "+table+" WHERE rule_id = ?"), r.ID); err != nil {
			return err
		}
	}
	for _, team := range r.TeamIDs {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO rule_teams (rule_id, connection_id, team_id) VALUES (?, ?, ?)"), r.ID, r.ConnectionID, team); err != nil {
			return err
		}
	}
	for _, agent := range r.AgentIDs {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO rule_agents (rule_id, connection_id, agent_id) VALUES (?, ?, ?)"), r.ID, r.ConnectionID, agent); err != nil {
			return err
		}
	}
	return nil
}

// GetRule reads one rule of a tenant.
func (s *DB) GetRule(ctx context.Context, tenantID, id string) (*model.Rule, error) {
	r, err := scanRule(s.x.QueryRowContext(ctx, s.q("SELECT "+ruleCols+" FROM rules WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting rule: %w", s.mapErr(err))
	}
	if err := s.loadRuleAssignments(ctx, []*model.Rule{r}); err != nil {
		return nil, fmt.Errorf("getting rule: %w", err)
	}
	return r, nil
}

// ListRules pages through a tenant's rules, optionally those of one connection.
func (s *DB) ListRules(ctx context.Context, tenantID, connectionID string, p Page) ([]*model.Rule, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := "SELECT " + ruleCols + " FROM rules WHERE tenant_id = ? AND id > ?"
	args := []any{tenantID, after}
	if connectionID != "" {
		query += " AND connection_id = ?"
		args = append(args, connectionID)
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing rules: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanRule)
	if err != nil {
		return nil, "", fmt.Errorf("listing rules: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(r *model.Rule) string { return r.ID })
	if err := s.loadRuleAssignments(ctx, list); err != nil {
		return nil, "", fmt.Errorf("listing rules: %w", err)
	}
	return list, next, nil
}

func (s *DB) loadRuleAssignments(ctx context.Context, rules []*model.Rule) error {
	if len(rules) == 0 {
		return nil
	}
	byID := make(map[string]*model.Rule, len(rules))
	args := make([]any, 0, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
		r.TeamIDs, r.AgentIDs = []string{}, []string{}
		args = append(args, r.ID)
	}
	in := placeholders(len(rules))
	for _, q := range []struct {
		table, col string
		add        func(r *model.Rule, id string)
	}{
		{"rule_teams", "team_id", func(r *model.Rule, id string) { r.TeamIDs = append(r.TeamIDs, id) }},
		{"rule_agents", "agent_id", func(r *model.Rule, id string) { r.AgentIDs = append(r.AgentIDs, id) }},
	} {
		rows, err := s.x.QueryContext(ctx, s.q("SELECT rule_id, "+q.col+" FROM "+q.table+" WHERE rule_id IN ("+in+") ORDER BY "+q.col), args...)
		if err != nil {
			return s.mapErr(err)
		}
		for rows.Next() {
			var ruleID, id string
			if err := rows.Scan(&ruleID, &id); err != nil {
				rows.Close()
				return err
			}
			q.add(byID[ruleID], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// UpdateRule writes r's fields and assignments.
func (s *DB) UpdateRule(ctx context.Context, r *model.Rule) error {
	defer s.changed(r.TenantID, ChangedRules)
	r.UpdateTime = s.now()
	in, out, err := ruleJSON(r)
	if err != nil {
		return fmt.Errorf("updating rule: %w", err)
	}
	err = s.inTx(ctx, func(tx queryer) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE rules SET name = ?, connection_id = ?, inbound = ?, outbound = ?,
			fallback_status = ?, skip_unavailable_validation = ?, update_time = ? WHERE tenant_id = ? AND id = ?`),
			r.Name, r.ConnectionID, in, out, r.FallbackStatus, r.SkipUnavailableValidation, micros(r.UpdateTime), r.TenantID, r.ID)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		return s.writeRuleAssignments(ctx, tx, r)
	})
	if err != nil {
		return fmt.Errorf("updating rule: %w", err)
	}
	return nil
}

// DeleteRule removes a rule.
func (s *DB) DeleteRule(ctx context.Context, tenantID, id string) error {
	defer s.changed(tenantID, ChangedRules)
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM rules WHERE tenant_id = ? AND id = ?"), tenantID, id)
	if err != nil {
		return fmt.Errorf("deleting rule: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

func ruleJSON(r *model.Rule) (in, out string, err error) {
	if r.Inbound == nil {
		r.Inbound = []model.InboundMapping{}
	}
	if r.Outbound == nil {
		r.Outbound = []model.OutboundMapping{}
	}
	ib, err := json.Marshal(r.Inbound)
	if err != nil {
		return "", "", err
	}
	ob, err := json.Marshal(r.Outbound)
	if err != nil {
		return "", "", err
	}
	return string(ib), string(ob), nil
}

func scanRule(row scanner) (*model.Rule, error) {
	var r model.Rule
	var in, out string
	var ct, ut int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.Name, &r.ConnectionID, &in, &out, &r.FallbackStatus, &r.SkipUnavailableValidation, &ct, &ut); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(in), &r.Inbound); err != nil {
		return nil, fmt.Errorf("decoding inbound mappings: %w", err)
	}
	if err := json.Unmarshal([]byte(out), &r.Outbound); err != nil {
		return nil, fmt.Errorf("decoding outbound mappings: %w", err)
	}
	r.CreateTime, r.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &r, nil
}

package store

import (
	"context"
	"fmt"
	"strings"

	"presencehub.dev/hub/internal/model"
)

// Agents persists agents with their team memberships and linked vendor identities.
type Agents interface {
	CreateAgent(ctx context.Context, a *model.Agent) error
	GetAgent(ctx context.Context, tenantID, id string) (*model.Agent, error)
	ListAgents(ctx context.Context, tenantID, teamID string, p Page) ([]*model.Agent, string, error)
	SearchAgents(ctx context.Context, tenantID, teamID, text string, p Page) ([]*model.Agent, string, error)
	UpdateAgent(ctx context.Context, a *model.Agent) error
	DeleteAgent(ctx context.Context, tenantID, id string) error
	AgentByIdentity(ctx context.Context, tenantID, connectionID, externalID string) (*model.Agent, error)
}

const agentCols = "id, tenant_id, email, display_name, create_time, update_time"

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// EmailKey is the form in which emails are compared: trimmed and lowercased.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateAgent inserts a with its teams and identities.
func (s *DB) CreateAgent(ctx context.Context, a *model.Agent) error {
	a.CreateTime, a.UpdateTime = s.now(), s.now()
	err := s.inTx(ctx, func(tx queryer) error {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO agents (id, tenant_id, email, email_key, display_name, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?)"),
			a.ID, a.TenantID, a.Email, EmailKey(a.Email), a.DisplayName, micros(a.CreateTime), micros(a.UpdateTime)); err != nil {
			return err
		}
		return s.writeAgentLinks(ctx, tx, a)
	})
	if err != nil {
		return fmt.Errorf("creating agent: %w", err)
	}
	return nil
}

// writeAgentLinks replaces a's team memberships and identities.
func (s *DB) writeAgentLinks(ctx context.Context, tx queryer, a *model.Agent) error {
	if _, err := tx.ExecContext(ctx, s.q("DELETE FROM agent_teams WHERE agent_id = ?"), a.ID); err != nil {
		return err
	}
	for _, team := range a.TeamIDs {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO agent_teams (agent_id, team_id) VALUES (?, ?)"), a.ID, team); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, s.q("DELETE FROM agent_identities WHERE agent_id = ?"), a.ID); err != nil {
		return err
	}
	for i := range a.Identities {
		id := &a.Identities[i]
		if id.LinkTime.IsZero() {
			id.LinkTime = s.now()
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO agent_identities (agent_id, connection_id, external_id, pinned, link_time) VALUES (?, ?, ?, ?, ?)"),
			a.ID, id.ConnectionID, id.ExternalID, id.Pinned, micros(id.LinkTime)); err != nil {
			return err
		}
	}
	return nil
}

// GetAgent reads one agent of a tenant.
func (s *DB) GetAgent(ctx context.Context, tenantID, id string) (*model.Agent, error) {
	if a := s.agents.get(tenantID, id); a != nil {
		return a, nil
	}
	gen := s.agents.generation()
	a, err := scanAgent(s.x.QueryRowContext(ctx, s.q("SELECT "+agentCols+" FROM agents WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, fmt.Errorf("getting agent: %w", s.mapErr(err))
	}
	if err := s.loadAgentLinks(ctx, []*model.Agent{a}); err != nil {
		return nil, fmt.Errorf("getting agent: %w", err)
	}
	s.agents.put(a, gen)
	return a, nil
}

// ListAgents pages through a tenant's agents, optionally only those of one team.
func (s *DB) ListAgents(ctx context.Context, tenantID, teamID string, p Page) ([]*model.Agent, string, error) {
	return s.SearchAgents(ctx, tenantID, teamID, "", p)
}

// SearchAgents pages through a tenant's agents whose email or display name contains text
// (case-insensitively; "" matches all), optionally only those of one team.
func (s *DB) SearchAgents(ctx context.Context, tenantID, teamID, text string, p Page) ([]*model.Agent, string, error) {
	after, err := p.after()
	if err != nil {
		return nil, "", err
	}
	query := "SELECT " + agentCols + " FROM agents WHERE tenant_id = ? AND id > ?"
	args := []any{tenantID, after}
	if teamID != "" {
		query += " AND id IN (SELECT agent_id FROM agent_teams WHERE team_id = ?)"
		args = append(args, teamID)
	}
	if text = strings.ToLower(strings.TrimSpace(text)); text != "" {
		pat := "%" + likeEscaper.Replace(text) + "%"
		query += ` AND (email_key LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	rows, err := s.x.QueryContext(ctx, s.q(query+" ORDER BY id LIMIT ?"), append(args, p.limit()+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("listing agents: %w", s.mapErr(err))
	}
	list, err := collect(rows, scanAgent)
	if err != nil {
		return nil, "", fmt.Errorf("listing agents: %w", err)
	}
	list, next := trimPage(list, p.limit(), func(a *model.Agent) string { return a.ID })
	if err := s.loadAgentLinks(ctx, list); err != nil {
		return nil, "", fmt.Errorf("listing agents: %w", err)
	}
	return list, next, nil
}

// loadAgentLinks fills TeamIDs and Identities of agents with two queries.
func (s *DB) loadAgentLinks(ctx context.Context, agents []*model.Agent) error {
	if len(agents) == 0 {
		return nil
	}
	byID := make(map[string]*model.Agent, len(agents))
	args := make([]any, 0, len(agents))
	for _, a := range agents {
		byID[a.ID] = a
		a.TeamIDs, a.Identities = []string{}, []model.Identity{}
		args = append(args, a.ID)
	}
	in := placeholders(len(agents))
	rows, err := s.x.QueryContext(ctx, s.q("SELECT agent_id, team_id FROM agent_teams WHERE agent_id IN ("+in+") ORDER BY team_id"), args...)
	if err != nil {
		return s.mapErr(err)
	}
	for rows.Next() {
		var agentID, teamID string
		if err := rows.Scan(&agentID, &teamID); err != nil {
			rows.Close()
			return err
		}
		byID[agentID].TeamIDs = append(byID[agentID].TeamIDs, teamID)
	}
	rows.Close()
	rows, err = s.x.QueryContext(ctx, s.q("SELECT agent_id, connection_id, external_id, pinned, link_time FROM agent_identities WHERE agent_id IN ("+in+") ORDER BY connection_id"), args...)
	if err != nil {
		return s.mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var agentID string
		var id model.Identity
		var lt int64
		if err := rows.Scan(&agentID, &id.ConnectionID, &id.ExternalID, &id.Pinned, &lt); err != nil {
			return err
		}
		id.LinkTime = fromMicros(lt)
		byID[agentID].Identities = append(byID[agentID].Identities, id)
	}
	return rows.Err()
}

// UpdateAgent writes a's fields, teams and identities.
func (s *DB) UpdateAgent(ctx context.Context, a *model.Agent) error {
	a.UpdateTime = s.now()
	err := s.inTx(ctx, func(tx queryer) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE agents SET email = ?, email_key = ?, display_name = ?, update_time = ? WHERE tenant_id = ? AND id = ?"),
			a.Email, EmailKey(a.Email), a.DisplayName, micros(a.UpdateTime), a.TenantID, a.ID)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		return s.writeAgentLinks(ctx, tx, a)
	})
	s.changed(a.TenantID, ChangedAgents)
	if err != nil {
		return fmt.Errorf("updating agent: %w", err)
	}
	return nil
}

// DeleteAgent removes an agent with its links.
func (s *DB) DeleteAgent(ctx context.Context, tenantID, id string) error {
	res, err := s.x.ExecContext(ctx, s.q("DELETE FROM agents WHERE tenant_id = ? AND id = ?"), tenantID, id)
	s.changed(tenantID, ChangedAgents)
	if err != nil {
		return fmt.Errorf("deleting agent: %w", s.mapErr(err))
	}
	return affectedOne(res)
}

func scanAgent(r scanner) (*model.Agent, error) {
	var a model.Agent
	var ct, ut int64
	if err := r.Scan(&a.ID, &a.TenantID, &a.Email, &a.DisplayName, &ct, &ut); err != nil {
		return nil, err
	}
	a.CreateTime, a.UpdateTime = fromMicros(ct), fromMicros(ut)
	return &a, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// AgentByIdentity finds the agent linked to a vendor user of one connection.
func (s *DB) AgentByIdentity(ctx context.Context, tenantID, connectionID, externalID string) (*model.Agent, error) {
	var id string
	err := s.x.QueryRowContext(ctx, s.q(`SELECT a.id FROM agent_identities i JOIN agents a ON a.id = i.agent_id
		WHERE a.tenant_id = ? AND i.connection_id = ? AND i.external_id = ?`), tenantID, connectionID, externalID).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("finding agent by identity: %w", s.mapErr(err))
	}
	return s.GetAgent(ctx, tenantID, id)
}

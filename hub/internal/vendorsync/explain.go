package vendorsync

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"presencehub.dev/hub/internal/model"
)

// Rule sources: why a rule applies to an agent on a connection.
const (
	RuleFromAgent   = "agent"   // assigned to the agent: wins over everything
	RuleFromTeam    = "team"    // assigned to the agent's first team that has one
	RuleFromDefault = "default" // the connection's first rule assigned to nobody
	RuleFromNone    = "none"
)

// Planned is what one connection would get if an agent's status changed, and why (see Explain).
type Planned struct {
	Connection  *model.Connection
	ExternalID  string // "" when the agent is not linked there
	Rule        *model.Rule
	RuleSource  string
	TeamID      string // for RuleFromTeam
	Write       bool
	Status      string // the catalog status written (the default unavailable one under skip validation)
	VendorState string
	Reason      string
}

// Explain is Plan's dry run for an admin override to status, connection by connection: every enabled
// connection, whether the agent is linked there, which rule applies and why, and what it writes. It
// follows exactly the choices Plan makes (rule, then outbound mapping).
func (r *Router) Explain(ctx context.Context, agent *model.Agent, status string) ([]Planned, error) {
	rt, err := r.routes(ctx, agent.TenantID)
	if err != nil {
		return nil, err
	}
	linked := map[string]string{}
	for _, id := range agent.Identities {
		linked[id.ConnectionID] = id.ExternalID
	}
	out := make([]Planned, 0, len(rt.conns))
	for _, c := range rt.conns {
		p := Planned{Connection: c, ExternalID: linked[c.ID], RuleSource: RuleFromNone}
		p.Rule, p.RuleSource, p.TeamID = rt.ruleWhy(c.ID, agent)
		p.explain(rt, status)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Planned) int {
		return cmp.Or(cmp.Compare(a.Connection.Name, b.Connection.Name), cmp.Compare(a.Connection.ID, b.Connection.ID))
	})
	return out, nil
}

// ruleWhy is rule (the same choice) with the reason for it.
func (rt *routes) ruleWhy(connectionID string, agent *model.Agent) (*model.Rule, string, string) {
	if rl := rt.byAgent[connectionID+"|"+agent.ID]; rl != nil {
		return rl, RuleFromAgent, ""
	}
	for _, t := range agent.TeamIDs {
		if rl := rt.byTeam[connectionID+"|"+t]; rl != nil {
			return rl, RuleFromTeam, t
		}
	}
	if rl := rt.fallback[connectionID]; rl != nil {
		return rl, RuleFromDefault, ""
	}
	return nil, RuleFromNone, ""
}

// explain fills what the connection gets and the reason in words.
func (p *Planned) explain(rt *routes, status string) {
	switch {
	case p.ExternalID == "":
		p.Reason = "the agent has no linked user in this connection: nothing is written"
		return
	case p.Rule == nil:
		p.Reason = "no rule applies to the agent here (none assigned to the agent or their teams, and none assigned to nobody): nothing is written"
		return
	}
	why := map[string]string{RuleFromAgent: "assigned to the agent", RuleFromTeam: "assigned to the agent's team " + p.TeamID,
		RuleFromDefault: "assigned to nobody, so it applies to everyone without a rule of their own or their team's"}[p.RuleSource]
	written, state, ok := rt.outbound(p.Rule, status)
	switch {
	case !ok:
		p.Reason = fmt.Sprintf("rule %s (%s) does not map %s outbound: the vendor keeps what it has", p.Rule.Name, why, status)
	case written != status:
		p.Write, p.Status, p.VendorState = true, written, state
		p.Reason = fmt.Sprintf("rule %s (%s) does not map %s but skips validation: it writes the tenant's default unavailable status %s as %s", p.Rule.Name, why, status, written, state)
	default:
		p.Write, p.Status, p.VendorState = true, written, state
		p.Reason = fmt.Sprintf("rule %s (%s) maps %s to %s", p.Rule.Name, why, status, state)
	}
}

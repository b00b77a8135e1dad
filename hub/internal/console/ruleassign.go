package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// assignment is who a rule applies to, as the editor shows it.
type assignment struct {
	Teams  []team  // the tenant's teams (checked: assigned)
	Agents []agent // the agents assigned
}

// loadAssignment reads the teams and the rule's agents for the editor.
func (c *Console) loadAssignment(r *http.Request, s session, rl rule) assignment {
	var a assignment
	a.Teams, _ = c.listTeams(r, s)
	for _, id := range rl.AgentIDs {
		var out struct {
			Agent agent `json:"agent"`
		}
		if c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents/"+url.PathEscape(id)), nil, &out) != nil {
			out.Agent = agent{ID: id}
		}
		a.Agents = append(a.Agents, out.Agent)
	}
	return a
}

// assignmentOf reads the editor's "applies to" fields: checked teams and agents, and an agent to add
// by email (looked up through the API's search). It returns a field error for an email that names no
// agent.
func (c *Console) assignmentOf(r *http.Request, s session) (teams, agents []string, problem string) {
	teams, agents = nonNil(r.PostForm["team"]), nonNil(r.PostForm["agent"])
	email := strings.TrimSpace(r.PostFormValue("add_agent"))
	if email == "" {
		return teams, agents, ""
	}
	var out struct {
		Agents []agent `json:"agents"`
	}
	q := url.Values{"query": {email}, "page_size": {"50"}}
	_ = c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents?"+q.Encode()), nil, &out)
	for _, a := range out.Agents {
		if strings.EqualFold(a.Email, email) {
			if !slices.Contains(agents, a.ID) {
				agents = append(agents, a.ID)
			}
			return teams, agents, ""
		}
	}
	return teams, agents, "no agent has the email " + email
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ruleScope says, for the rules list, whom each rule applies to and where another rule wins, as the
// hub chooses: an agent's own rule, else their first team's, else the connection's first rule assigned
// to nobody (rules are listed oldest first, as the hub reads them; a later rule assigned to the same
// team replaces an earlier one).
func ruleScope(rules []rule, teamName map[string]string) map[string]string {
	out := map[string]string{}
	defaults := map[string]string{} // connection -> the default rule's name
	teamRule := map[string]string{} // connection|team -> the last rule's name
	for _, rl := range rules {
		for _, t := range rl.TeamIDs {
			teamRule[rl.ConnectionID+"|"+t] = rl.Name
		}
	}
	for _, rl := range rules {
		var parts []string
		if n := len(rl.AgentIDs); n > 0 {
			parts = append(parts, plural(n, "agent")+" (their own rule: wins)")
		}
		for _, t := range rl.TeamIDs {
			p := "team " + firstNonEmpty(teamName[t], t)
			if w := teamRule[rl.ConnectionID+"|"+t]; w != rl.Name {
				p += " (but rule " + w + ", newer, wins there)"
			}
			parts = append(parts, p)
		}
		if len(parts) == 0 {
			if d, ok := defaults[rl.ConnectionID]; ok {
				parts = append(parts, "nobody: rule "+d+" is this connection's default, so this one never applies")
			} else {
				defaults[rl.ConnectionID] = rl.Name
				parts = append(parts, "everyone without a rule of their own or their team's (the connection's default)")
			}
		}
		out[rl.ID] = strings.Join(parts, "; ")
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

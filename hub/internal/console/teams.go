package console

import (
	"net/http"
	"net/url"
)

// team is the part of the API's Team the console shows.
type team struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// listTeams reads the tenant's teams (the first 200: tenants have tens, not thousands).
func (c *Console) listTeams(r *http.Request, s session) ([]team, error) {
	if s.tenant == "" {
		return nil, nil
	}
	var out struct {
		Teams []team `json:"teams"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/teams?page_size=200"), nil, &out)
	return out.Teams, err
}

// getTeam reads one team.
func (c *Console) getTeam(r *http.Request, s session, id string) (team, error) {
	var out struct {
		Team team `json:"team"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/teams/"+url.PathEscape(id)), nil, &out)
	return out.Team, err
}

// teamAgents reads up to limit agents of a team, page by page.
func (c *Console) teamAgents(r *http.Request, s session, teamID string, limit int) ([]agent, bool, error) {
	var all []agent
	token := ""
	for {
		q := url.Values{"team_id": {teamID}, "page_size": {"200"}, "page_token": {token}}
		var out struct {
			Agents []agent `json:"agents"`
			Next   string  `json:"next_page_token"`
		}
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents?"+q.Encode()), nil, &out); err != nil {
			return all, false, err
		}
		all = append(all, out.Agents...)
		if out.Next == "" {
			return all, false, nil
		}
		if len(all) >= limit {
			return all[:limit], true, nil
		}
		token = out.Next
	}
}

// teams lists the tenant's teams with their board and pairing sheet.
func (c *Console) teams(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Teams", "teams")
	ts, err := c.listTeams(r, s)
	if err != nil {
		v.Error = "Could not read the teams: " + err.Error()
	}
	v.Data = ts
	c.render(w, r, http.StatusOK, "teams", v)
}

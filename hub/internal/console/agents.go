package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// agent is the part of the API's Agent the console shows.
type agent struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	DisplayName string     `json:"display_name"`
	TeamIDs     []string   `json:"team_ids"`
	Identities  []identity `json:"identities"`
}

// identity is an agent's user in one connection.
type identity struct {
	ConnectionID string     `json:"connection_id"`
	ExternalID   string     `json:"external_id"`
	Pinned       bool       `json:"pinned"`
	LinkTime     *time.Time `json:"link_time,omitempty"`
}

// presence is an agent's current status.
type presence struct {
	Status         string     `json:"status"`
	Kind           string     `json:"kind"`
	Version        int64      `json:"version,string"`
	Source         string     `json:"source"`
	SourceID       string     `json:"source_id"`
	Reason         string     `json:"reason"`
	PreviousStatus string     `json:"previous_status"`
	QueuedStatus   string     `json:"queued_status"`
	UpdateTime     *time.Time `json:"update_time"`
}

// agentRow is one line of the agents list.
type agentRow struct {
	agent
	Presence presence
}

// agentsData is the agents list: one page of a search.
type agentsData struct {
	Query   string
	Team    string
	Teams   []team
	Rows    []agentRow
	Next    string // the API's token for the next page, "" on the last
	Paged   bool   // this is not the first page
	Problem string
}

// agentsPageSize is how many agents a page of the list shows (and reads the presence of).
const agentsPageSize = 25

// agents lists one page of the tenant's agents matching the search, with their live status: the API
// searches and pages (keyset), so the page costs the same with ten or ten thousand agents.
func (c *Console) agents(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Agents", "agents")
	q := r.URL.Query()
	d := agentsData{Query: strings.TrimSpace(q.Get("q")), Team: q.Get("team"), Paged: q.Get("page") != ""}
	d.Teams, _ = c.listTeams(r, s)
	if s.tenant != "" {
		params := url.Values{"page_size": {strconv.Itoa(agentsPageSize)}, "query": {d.Query}, "team_id": {d.Team}, "page_token": {q.Get("page")}}
		var out struct {
			Agents []agent `json:"agents"`
			Next   string  `json:"next_page_token"`
		}
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents?"+params.Encode()), nil, &out); err != nil {
			v.Error = "Could not search the agents: " + err.Error()
		}
		d.Next = out.Next
		for _, a := range out.Agents {
			d.Rows = append(d.Rows, agentRow{agent: a, Presence: c.presenceOf(r, s, a.ID)})
		}
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "agents", v)
}

// presenceOf reads an agent's current status (the zero presence if it has none yet).
func (c *Console) presenceOf(r *http.Request, s session, agentID string) presence {
	var out struct {
		Presence presence `json:"presence"`
	}
	_ = c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents/"+url.PathEscape(agentID)+"/presence"), nil, &out)
	return out.Presence
}

// pageLink is the agents list's URL for another page of the same search.
func pageLink(d agentsData, token string) string {
	v := url.Values{}
	for k, val := range map[string]string{"q": d.Query, "team": d.Team, "page": token} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if len(v) == 0 {
		return "/console/agents"
	}
	return "/console/agents?" + v.Encode()
}

// humanDuration says how long, to the second, in the largest two units ("3h 12m", "45s").
func humanDuration(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m " + strconv.Itoa(int(d.Seconds())%60) + "s"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h " + strconv.Itoa(int(d.Minutes())%60) + "m"
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d"
}

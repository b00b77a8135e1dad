package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// boardLimit bounds the agents a board shows (a supervisor watches a team, not a tenant).
const boardLimit = 1000

// boardData is the live supervisor board of one team.
type boardData struct {
	Team     team
	Agents   []agent
	More     bool // the team has more agents than the board shows
	Statuses []statusOption
	Token    string // the stream token (see boardKey)
}

// board shows a grid of the team's agents; board.js fills in and keeps current each agent's status
// and time in status from the hub's stream (SubscribeTeam), so a change shows within a second.
func (c *Console) board(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Board", "teams")
	tm, err := c.getTeam(r, s, r.PathValue("id"))
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		http.Error(w, "no such team in this tenant", http.StatusNotFound)
		return
	}
	if err != nil {
		v.Error = "Could not read the team: " + err.Error()
		c.render(w, r, http.StatusBadGateway, "board", v)
		return
	}
	d := boardData{Team: tm}
	v.Title = "Board · " + tm.Name
	d.Agents, d.More, err = c.teamAgents(r, s, tm.ID, boardLimit)
	if err != nil {
		v.Error = "Could not read the team's agents: " + err.Error()
	}
	slices.SortFunc(d.Agents, func(a, b agent) int {
		return strings.Compare(strings.ToLower(firstNonEmpty(a.DisplayName, a.Email)), strings.ToLower(firstNonEmpty(b.DisplayName, b.Email)))
	})
	var st struct {
		Statuses []statusOption `json:"statuses"`
	}
	_ = c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/statuses?page_size=200"), nil, &st)
	d.Statuses = st.Statuses
	if d.Token, err = c.boardToken(r, s); err != nil {
		v.Error = "The board cannot go live: " + err.Error()
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "board", v)
}

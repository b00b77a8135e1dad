package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// connection is the part of the API's Connection the console shows.
type connection struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Vendor         string            `json:"vendor"`
	BaseURL        string            `json:"base_url"`
	Settings       map[string]string `json:"settings"`
	CredentialKeys []string          `json:"credential_keys"`
	Enabled        bool              `json:"enabled"`
	Health         struct {
		LastSuccessTime       *time.Time `json:"last_success_time"`
		LastError             string     `json:"last_error"`
		LastErrorTime         *time.Time `json:"last_error_time"`
		ErrorCount            int64      `json:"error_count,string"`
		PendingWrites         int64      `json:"pending_writes,string"`
		DeadWrites            int64      `json:"dead_writes,string"`
		CredentialsExpireTime *time.Time `json:"credentials_expire_time"`
	} `json:"health"`
	Problem string `json:"-"` // what is wrong with it ("" if nothing), set by diagnose
}

// diagnose says what is wrong with the connection at now, "" if nothing.
func (c connection) diagnose(now time.Time) string {
	h := c.Health
	switch {
	case !c.Enabled:
		return "disabled"
	case h.DeadWrites > 0:
		return "dead writes"
	case h.LastErrorTime != nil && (h.LastSuccessTime == nil || h.LastErrorTime.After(*h.LastSuccessTime)):
		return "failing"
	case h.CredentialsExpireTime != nil && h.CredentialsExpireTime.Sub(now) < 14*24*time.Hour:
		return "credentials expire soon"
	}
	return ""
}

// listConnections reads the tenant's connections (the first 200: tenants have a handful).
func (c *Console) listConnections(r *http.Request, s session) ([]connection, error) {
	var out struct {
		Connections []connection `json:"connections"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/connections?page_size=200"), nil, &out)
	return out.Connections, err
}

// statusCount is one row of "agents by status".
type statusCount struct {
	Status string
	Agents int
}

// overviewData is the overview page.
type overviewData struct {
	Connections []connection
	ByStatus    []statusCount
	Sampled     int  // agents counted
	More        bool // the tenant has more agents than were counted
}

// agentSample bounds how many agents' presence the overview reads (one API call each).
const agentSample = 100

// overview shows each connection's health, problems first, and agents by status.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, s session) {
	v := c.baseView(r, s, "Overview", "overview")
	if s.tenant == "" { // baseView says so
		c.render(w, r, http.StatusOK, "overview", v)
		return
	}
	var d overviewData
	conns, err := c.listConnections(r, s)
	if err != nil {
		v.Error = "Could not read the connections: " + err.Error()
	}
	now := c.opts.Clock.Now()
	for i := range conns {
		conns[i].Problem = conns[i].diagnose(now)
	}
	slices.SortStableFunc(conns, func(a, b connection) int {
		return cmp.Compare(boolRank(a.Problem == ""), boolRank(b.Problem == ""))
	})
	d.Connections = conns
	d.ByStatus, d.Sampled, d.More = c.agentsByStatus(r, s)
	v.Data = d
	c.render(w, r, http.StatusOK, "overview", v)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// agentsByStatus counts the first agentSample agents' current statuses.
func (c *Console) agentsByStatus(r *http.Request, s session) ([]statusCount, int, bool) {
	var out struct {
		Agents []struct {
			ID string `json:"id"`
		} `json:"agents"`
		Next string `json:"next_page_token"`
	}
	if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents?page_size="+strconv.Itoa(agentSample)), nil, &out); err != nil {
		return nil, 0, false
	}
	counts := map[string]int{}
	for _, a := range out.Agents {
		var p struct {
			Presence struct {
				Status string `json:"status"`
			} `json:"presence"`
		}
		st := "unknown"
		if err := c.api.do(r.Context(), s.key, http.MethodGet, tenantPath(s, "/agents/"+url.PathEscape(a.ID)+"/presence"), nil, &p); err == nil && p.Presence.Status != "" {
			st = p.Presence.Status
		}
		counts[st]++
	}
	rows := make([]statusCount, 0, len(counts))
	for st, n := range counts {
		rows = append(rows, statusCount{st, n})
	}
	slices.SortFunc(rows, func(a, b statusCount) int {
		return cmp.Or(cmp.Compare(b.Agents, a.Agents), cmp.Compare(a.Status, b.Status))
	})
	return rows, len(out.Agents), out.Next != ""
}

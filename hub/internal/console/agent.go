package console

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// timelineEntry is one request to change an agent's status and what came of it.
type timelineEntry struct {
	Outcome         string      `json:"outcome"`
	RequestedStatus string      `json:"requested_status"`
	Status          string      `json:"status"`
	PreviousStatus  string      `json:"previous_status"`
	Source          string      `json:"source"`
	SourceID        string      `json:"source_id"`
	Reason          string      `json:"reason"`
	RuleID          string      `json:"rule_id"`
	CreateTime      *time.Time  `json:"create_time"`
	Writes          []vendorWrt `json:"writes"`
}

// vendorWrt is a status the hub owes a vendor (an outbox entry).
type vendorWrt struct {
	ID           string     `json:"id"`
	ConnectionID string     `json:"connection_id"`
	AgentID      string     `json:"agent_id"`
	ExternalID   string     `json:"external_id"`
	Status       string     `json:"status"`
	VendorState  string     `json:"vendor_state"`
	State        string     `json:"state"`
	Attempts     int        `json:"attempts"`
	LastError    string     `json:"last_error"`
	NextAttempt  *time.Time `json:"next_attempt_time"`
	UpdateTime   *time.Time `json:"update_time"`
}

// device is one signed-in tray of an agent.
type device struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Supervisor bool       `json:"supervisor"`
	CreateTime *time.Time `json:"create_time"`
	LastSeen   *time.Time `json:"last_seen_time"`
}

// pairingCode is a code just issued, shown this once.
type pairingCode struct {
	AgentID    string     `json:"agent_id"`
	Code       string     `json:"code"`
	ExpireTime *time.Time `json:"expire_time"`
	Supervisor bool       `json:"supervisor"`
}

// agentData is an agent's page.
type agentData struct {
	Agent    agent
	Presence presence
	Since    time.Duration // how long the current status has lasted
	Statuses []statusOption
	Timeline []timelineEntry
	Devices  []device
	ConnName map[string]string // connection id -> "name (vendor)"
	Code     *pairingCode      // a pairing code just issued
	Fields   map[string]string // the API's field errors of the override form
	DryRun   dryRun
}

// agentPage shows one agent.
func (c *Console) agentPage(w http.ResponseWriter, r *http.Request, s session) {
	c.renderAgent(w, r, s, http.StatusOK, agentData{}, noticeOf(r), "")
}

// renderAgent fills d with everything the agent's page shows and renders it.
func (c *Console) renderAgent(w http.ResponseWriter, r *http.Request, s session, code int, d agentData, notice, problem string) {
	id := r.PathValue("id")
	v := c.baseView(r, s, "Agent", "agents")
	v.Notice, v.Error = notice, problem
	ctx, base := r.Context(), tenantPath(s, "/agents/"+url.PathEscape(id))
	var a struct {
		Agent agent `json:"agent"`
	}
	if err := c.api.do(ctx, s.key, http.MethodGet, base, nil, &a); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			http.Error(w, "no such agent in this tenant", http.StatusNotFound)
			return
		}
		v.Error = "Could not read the agent: " + err.Error()
		c.render(w, r, http.StatusBadGateway, "agent", v)
		return
	}
	d.Agent = a.Agent
	v.Title = "Agent " + firstNonEmpty(a.Agent.DisplayName, a.Agent.Email)
	d.Presence = c.presenceOf(r, s, id)
	if d.Presence.UpdateTime != nil {
		d.Since = c.opts.Clock.Now().Sub(*d.Presence.UpdateTime).Truncate(time.Second)
	}
	var st struct {
		Statuses []statusOption `json:"statuses"`
	}
	_ = c.api.do(ctx, s.key, http.MethodGet, tenantPath(s, "/statuses?page_size=200"), nil, &st)
	d.Statuses = st.Statuses
	if status := r.URL.Query().Get("plan"); status != "" {
		d.DryRun = c.planFor(r, s, id, status)
	}
	var tl struct {
		Entries []timelineEntry `json:"entries"`
	}
	if err := c.api.do(ctx, s.key, http.MethodGet, base+"/timeline?page_size=20", nil, &tl); err != nil && v.Error == "" {
		v.Error = "Could not read the timeline: " + err.Error()
	}
	d.Timeline = tl.Entries
	var dv struct {
		Devices []device `json:"devices"`
	}
	_ = c.api.do(ctx, s.key, http.MethodGet, base+"/devices", nil, &dv)
	d.Devices = dv.Devices
	d.ConnName = map[string]string{}
	if conns, err := c.listConnections(r, s); err == nil {
		for _, cn := range conns {
			d.ConnName[cn.ID] = cn.Name + " (" + cn.Vendor + ")"
		}
	}
	v.Data = d
	c.render(w, r, code, "agent", v)
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// notices are the one-line messages a redirect after a change may ask a page to show (a fixed set,
// so a link cannot make the console say anything else).
var notices = map[string]string{
	"override":    "Status set.",
	"pinned":      "Link pinned: agent sync will not change it.",
	"unpinned":    "Link unpinned: agent sync may change it again.",
	"unlinked":    "Link removed.",
	"revoked":     "Device signed out.",
	"retried":     "Write queued again.",
	"revoked-key": "API key revoked.",
	"conn-saved":  "Connection saved.",
	"sync-start":  "Agent sync started.",
}

// noticeOf is the notice a redirect asked for with ?done=.
func noticeOf(r *http.Request) string { return notices[r.URL.Query().Get("done")] }

// done redirects to path, asking it to show the notice named.
func done(w http.ResponseWriter, r *http.Request, path, notice string) {
	http.Redirect(w, r, path+"?done="+url.QueryEscape(notice), http.StatusSeeOther)
}

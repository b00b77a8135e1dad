package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// syncRun is one run of a connection's agent sync, as the API reports it.
type syncRun struct {
	ID       string     `json:"id"`
	Trigger  string     `json:"trigger"`
	State    string     `json:"state"`
	Pages    int64      `json:"pages,string"`
	Restarts int32      `json:"restarts"`
	Report   syncReport `json:"report"`
	Error    string     `json:"error"`
	Created  *time.Time `json:"create_time"`
	Updated  *time.Time `json:"update_time"`
	Ended    *time.Time `json:"end_time"`
}

// syncReport counts what a run found.
type syncReport struct {
	Users           int64          `json:"users,string"`
	Matched         int64          `json:"matched,string"`
	Unchanged       int64          `json:"unchanged,string"`
	Linked          int64          `json:"linked,string"`
	Relinked        int64          `json:"relinked,string"`
	Pinned          int64          `json:"pinned,string"`
	Created         int64          `json:"created,string"`
	UnmatchedVendor int64          `json:"unmatched_vendor,string"`
	UnmatchedHub    int64          `json:"unmatched_hub,string"`
	Conflicts       int64          `json:"conflicts,string"`
	Errors          int64          `json:"errors,string"`
	ConflictDetails []syncConflict `json:"conflict_details"`
	ErrorDetails    []string       `json:"error_details"`
}

// syncConflict is one conflict a run found.
type syncConflict struct {
	Kind            string `json:"kind"`
	Email           string `json:"email"`
	ExternalID      string `json:"external_id"`
	AgentID         string `json:"agent_id"`
	OtherExternalID string `json:"other_external_id"`
	OtherAgentID    string `json:"other_agent_id"`
}

// syncRunsShown is how many of the newest runs a connection's page lists.
const syncRunsShown = 10

// listSyncRuns reads a connection's newest runs; the string is a problem to show instead.
func (c *Console) listSyncRuns(r *http.Request, s session, conn string) ([]syncRun, string) {
	var out struct {
		Runs []syncRun `json:"sync_runs"`
	}
	path := tenantPath(s, "/connections/"+url.PathEscape(conn)+"/sync-runs?page_size="+strconv.Itoa(syncRunsShown))
	if err := c.api.do(r.Context(), s.key, http.MethodGet, path, nil, &out); err != nil {
		return nil, "Could not read the agent sync runs: " + err.Error()
	}
	return out.Runs, ""
}

// startSyncRun starts an agent sync run (409 from the API while one runs is shown as a problem).
func (c *Console) startSyncRun(w http.ResponseWriter, r *http.Request, s session) {
	id := r.PathValue("id")
	var out struct {
		Run syncRun `json:"sync_run"`
	}
	err := c.api.do(r.Context(), s.key, http.MethodPost, tenantPath(s, "/connections/"+url.PathEscape(id)+"/sync-runs"), map[string]any{}, &out)
	var ae *apiError
	if errors.As(err, &ae) {
		c.renderConnection(w, r, s, ae.Status, connectionData{}, "", "The hub did not start the sync: "+ae.Message)
		return
	}
	if err != nil {
		c.renderConnection(w, r, s, http.StatusInternalServerError, connectionData{}, "", err.Error())
		return
	}
	done(w, r, "/console/connections/"+url.PathEscape(id)+"/sync-runs/"+url.PathEscape(out.Run.ID), "sync-start")
}

// syncRunPage shows one run: its progress while it runs (the page refreshes itself through htmx
// every two seconds until the run ends) and its report.
func (c *Console) syncRunPage(w http.ResponseWriter, r *http.Request, s session) {
	conn, run := r.PathValue("id"), r.PathValue("run")
	var cn struct {
		Connection connection `json:"connection"`
	}
	var out struct {
		Run syncRun `json:"sync_run"`
	}
	base := tenantPath(s, "/connections/"+url.PathEscape(conn))
	if c.api.do(r.Context(), s.key, http.MethodGet, base, nil, &cn) != nil ||
		c.api.do(r.Context(), s.key, http.MethodGet, base+"/sync-runs/"+url.PathEscape(run), nil, &out) != nil {
		http.Error(w, "no such sync run in this tenant", http.StatusNotFound)
		return
	}
	v := c.baseView(r, s, "Agent sync run", "connections")
	v.Notice = noticeOf(r)
	v.Data = struct {
		Conn connection
		Run  syncRun
	}{cn.Connection, out.Run}
	c.render(w, r, http.StatusOK, "syncrun", v)
}

package zendeskemu

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxBulkIDs bounds update_many's ids (Zendesk's bulk endpoints take at most 100).
const maxBulkIDs = 100

// maxJobs bounds the job statuses kept (Zendesk keeps them a day).
const maxJobs = 1000

// job is a bulk status update's job status.
type job struct {
	id      string
	total   int
	results []map[string]any
	created time.Time
}

// updateMany serves PUT .../agent_statuses/agents/update_many?ids=1,2,3 with {"id": <status id>} (or
// the JSON:API form): it sets each agent's unified status (reason PUBLIC_API) and answers the job
// status, "queued" as Zendesk answers a bulk request. Unconfirmed: the emulator applies the changes at
// once, so GET /api/v2/job_statuses/{id} (also served under agent_statuses/job_statuses) already says
// "completed", with a result per id (success false, with an error, for an id that is no agent).
func (e *Emulator) updateMany(w http.ResponseWriter, r *http.Request) {
	if e.refuseWithoutRouting(w) {
		return
	}
	raw := r.URL.Query().Get("ids")
	if raw == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "ids is required (comma-separated agent ids)")
		return
	}
	parts := strings.Split(raw, ",")
	if len(parts) > maxBulkIDs {
		writeError(w, http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("ids takes at most %d agent ids", maxBulkIDs))
		return
	}
	statusID, err := readStatusID(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.statusByID(statusID)
	if s == nil {
		writeError(w, http.StatusUnprocessableEntity, "RecordInvalid", fmt.Sprintf("Agent status %d does not exist", statusID))
		return
	}
	j := &job{id: randomToken()[:32], total: len(parts), created: time.Now().UTC()}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		u := e.agent(p)
		if u == nil || p == "me" {
			j.results = append(j.results, map[string]any{"id": p, "success": false, "errors": "Agent not found"})
			continue
		}
		e.setStatus(u, s, reasonPublicAPI)
		j.results = append(j.results, map[string]any{"id": u.id, "success": true, "status": "Updated"})
	}
	if len(e.jobs) >= maxJobs {
		clear(e.jobs)
	}
	e.jobs[j.id] = j
	writeJSON(w, http.StatusOK, map[string]any{"job_status": jobJSON(baseURL(r), j, false)})
}

// getJob serves GET /api/v2/job_statuses/{id}.
func (e *Emulator) getJob(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	j := e.jobs[r.PathValue("job")]
	e.mu.Unlock()
	if j == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"job_status": jobJSON(baseURL(r), j, true)})
}

// jobJSON is Zendesk's job status: queued when just accepted, completed with results after.
func jobJSON(base string, j *job, done bool) map[string]any {
	out := map[string]any{"id": j.id, "url": base + "/api/v2/job_statuses/" + j.id + ".json", "total": j.total,
		"progress": 0, "status": "queued", "message": nil, "results": nil}
	if done {
		out["progress"], out["status"], out["results"] = j.total, "completed", j.results
		out["message"] = "Completed at " + j.created.Format(time.RFC3339)
	}
	return out
}

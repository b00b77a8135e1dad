package cxoneemu

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Paging of the Admin API lists (skip/top; CXone's maximum top is unconfirmed).
const (
	defaultTop = 100
	// MaxTop is the largest page; a larger top is clamped to it.
	MaxTop = 100
)

// listAgents serves GET /agents?skip=&top=&isActive=&searchString=&fields=.
func (e *Emulator) listAgents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	skip, top, ok := paging(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	var matched []map[string]any
	for _, a := range e.agents {
		search := strings.ToLower(q.Get("searchString"))
		if search != "" && !strings.Contains(strings.ToLower(a.userName+" "+a.first+" "+a.last+" "+a.email), search) {
			continue
		}
		if v := q.Get("isActive"); v != "" && v != "true" {
			continue // every emulated agent is active
		}
		matched = append(matched, e.agentJSONLocked(a))
	}
	e.mu.Unlock()
	total := len(matched)
	page := matched[min(skip, total):min(skip+top, total)]
	if f := q.Get("fields"); f != "" {
		page = pick(page, strings.Split(f, ","))
	}
	out := map[string]any{"businessUnitId": businessUnitID, "lastPollTime": stamp(now()), "totalRecords": total, "agents": page}
	if skip+top < total {
		out["_links"] = map[string]string{"next": fmt.Sprintf("%s?skip=%d&top=%d", r.URL.Path, skip+top, top)}
	}
	writeJSON(w, http.StatusOK, out)
}

// getAgent serves GET /agents/{agentId}.
func (e *Emulator) getAgent(w http.ResponseWriter, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(id)
	if err != nil {
		writeError(w, http.StatusNotFound, "InvalidAgentId", "Agent "+id+" does not exist")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": []any{e.agentJSONLocked(a)}})
}

// listStates serves GET /agents/states?updatedSince=: every agent whose state changed at or after
// updatedSince (all without it), and lastPollTime, the updatedSince of the next poll.
func (e *Emulator) listStates(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("updatedSince"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "updatedSince must be an ISO 8601 date-time")
			return
		}
		since = t
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	polled := now()
	states := []any{}
	for _, a := range e.agents {
		if !a.lastUpdate.Before(since) {
			states = append(states, e.stateJSONLocked(a, polled))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"lastPollTime": stamp(polled), "agentStates": states})
}

// getAgentState serves GET /agents/{agentId}/states.
func (e *Emulator) getAgentState(w http.ResponseWriter, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(id)
	if err != nil {
		writeError(w, http.StatusNotFound, "InvalidAgentId", "Agent "+id+" does not exist")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agentStates": []any{e.stateJSONLocked(a, now())}})
}

// listTeams serves GET /teams.
func (e *Emulator) listTeams(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	teams := make([]any, 0, len(e.teams))
	for _, t := range e.teams {
		teams = append(teams, map[string]any{"teamId": t.id, "teamName": t.name, "isActive": true, "description": ""})
	}
	writeJSON(w, http.StatusOK, map[string]any{"businessUnitId": businessUnitID, "totalRecords": len(teams), "teams": teams})
}

// teamCodes serves GET /teams/{teamId}/unavailable-codes?activeOnly=.
func (e *Emulator) teamCodes(w http.ResponseWriter, r *http.Request, teamID string) {
	id, _ := strconv.ParseInt(teamID, 10, 64)
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.teamLocked(id)
	if t.id == 0 {
		writeError(w, http.StatusNotFound, "InvalidTeamId", "Team "+teamID+" does not exist")
		return
	}
	activeOnly := r.URL.Query().Get("activeOnly") == "true"
	codes := []any{}
	for _, cid := range t.codes {
		if c := e.codeLocked(cid); c != nil && (c.active || !activeOnly) {
			codes = append(codes, map[string]any{"outStateId": c.id, "outStateName": c.name, "isActive": c.active, "isAcw": c.isAcw, "agentTimeoutMins": c.timeout})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"resultSet": map[string]any{"teamId": t.id, "teamName": t.name, "unavailableCodes": codes}})
}

func (e *Emulator) agentJSONLocked(a *agent) map[string]any {
	return map[string]any{"agentId": a.id, "userName": a.userName, "firstName": a.first, "lastName": a.last,
		"emailAddress": a.email, "isActive": true, "teamId": a.teamID, "teamName": e.teamLocked(a.teamID).name,
		"isSupervisor": false, "lastLogin": stamp(a.seen), "lastUpdated": stamp(a.lastUpdate), "profileId": 1, "federatedId": nil}
}

func (e *Emulator) stateJSONLocked(a *agent, polled time.Time) map[string]any {
	outID, outDesc := 0, ""
	if a.out != nil {
		outID, outDesc = a.out.id, a.out.name
	}
	return map[string]any{"agentId": a.id, "agentStateId": stateIDs[a.acd], "agentStateName": a.acd, "businessUnitId": businessUnitID,
		"contactId": a.contactID, "isActive": true, "isAcw": a.isAcw, "isOutbound": strings.HasPrefix(a.acd, "Outbound"),
		"firstName": a.first, "lastName": a.last, "fromAddress": "", "toAddress": "", "lastPollTime": stamp(polled),
		"lastUpdateTime": stamp(a.lastUpdate), "mediaName": "", "mediaType": 0, "openContacts": min(a.contactID, 1),
		"outStateDescription": outDesc, "outStateId": outID, "skillId": 0, "skillName": "", "startDate": stamp(a.start),
		"stationId": 0, "stationPhoneNumber": "", "teamId": a.teamID, "teamName": e.teamLocked(a.teamID).name, "userName": a.userName}
}

// paging reads skip (default 0) and top (default 100, clamped to 1..100); non-numbers are a 400.
func paging(w http.ResponseWriter, r *http.Request) (skip, top int, ok bool) {
	skip, top = 0, defaultTop
	for name, dst := range map[string]*int{"skip": &skip, "top": &top} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeError(w, http.StatusBadRequest, "InvalidParameter", name+" must be a non-negative integer")
				return 0, 0, false
			}
			*dst = n
		}
	}
	return skip, min(max(top, 1), MaxTop), true
}

// pick keeps only the named fields of each record.
func pick(records []map[string]any, fields []string) []map[string]any {
	out := make([]map[string]any, len(records))
	for i, rec := range records {
		out[i] = map[string]any{}
		for _, f := range fields {
			if v, ok := rec[strings.TrimSpace(f)]; ok {
				out[i][strings.TrimSpace(f)] = v
			}
		}
	}
	return out
}

package cxoneemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// join serves POST /agent-sessions/join?asAgentId=: the agent's live session id, 404 for an unknown
// agent, 400 AgentNotLoggedIn for an agent without a session.
func (e *Emulator) join(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("asAgentId")
	if id == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "asAgentId is required")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agentLocked(id)
	if err != nil {
		writeError(w, http.StatusNotFound, "InvalidAgentId", "Agent "+id+" does not exist")
		return
	}
	if a.session == "" {
		writeError(w, http.StatusBadRequest, "AgentNotLoggedIn", "Agent "+id+" has no active session to join")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"sessionId": a.session})
}

// setState serves POST /agent-sessions/{sessionId}/state with state (Available or Unavailable) and
// reason (an unavailable code of the agent's team), as query parameters, a form or JSON.
func (e *Emulator) setState(w http.ResponseWriter, r *http.Request, sessionID string) {
	state, reason := stateParams(r)
	switch {
	case strings.EqualFold(state, Available):
		state = Available
		if reason != "" {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "reason is only allowed with state Unavailable")
			return
		}
	case strings.EqualFold(state, Unavailable):
		state = Unavailable
	default:
		writeError(w, http.StatusBadRequest, "InvalidState", "state must be Available or Unavailable")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.byID[e.sessions[sessionID]]
	if a == nil {
		writeError(w, http.StatusNotFound, "InvalidAgentSession", "The agent session does not exist or has ended")
		return
	}
	if a.isAcw {
		writeError(w, http.StatusConflict, "AgentInAfterCallWork", "The agent is in After Call Work; change the state when it ends")
		return
	}
	target := state
	if state == Unavailable && reason != "" && !strings.EqualFold(reason, "Unavailable") {
		c := e.teamCodeLocked(a.teamID, reason)
		switch {
		case c == nil:
			writeError(w, http.StatusBadRequest, "InvalidUnavailableCode", "'"+reason+"' is not an active unavailable code of the agent's team")
			return
		case c.isAcw && a.contactID == 0:
			writeError(w, http.StatusConflict, "AcwCodeRequiresContact", "An After Call Work code can only be used while handling a contact")
			return
		case c.isAcw:
			target = AfterCallWork
		default:
			target = unavailablePref + c.name
		}
	}
	if a.contactID != 0 {
		a.next = target // applied when the contact ends
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if err := e.setLocked(a, target); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// stateParams reads state and reason from the query, else a form or a JSON body.
func stateParams(r *http.Request) (state, reason string) {
	q := r.URL.Query()
	if q.Get("state") != "" {
		return q.Get("state"), q.Get("reason")
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var in struct{ State, Reason string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		return in.State, in.Reason
	}
	_ = r.ParseForm()
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	return form.Get("state"), form.Get("reason")
}

// startSession serves POST /agent-sessions?stationId=|stationPhoneNumber=[&asAgentId=]: it logs the
// agent in (Unavailable, as after a login) and answers 202 {"sessionId"}. The agent is asAgentId, or
// the agent a legacy token acts as; an access key's token must name one. Unconfirmed: an agent who is
// already logged in is 409 AgentAlreadyLoggedIn (join that session instead).
func (e *Emulator) startSession(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	station, phone := r.Form.Get("stationId"), r.Form.Get("stationPhoneNumber")
	if station == "" && phone == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "stationId or stationPhoneNumber is required")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.Form.Get("asAgentId")
	if id == "" {
		if agentID, ok := e.tokenAgent[bearer(r)]; ok {
			id = strconv.FormatInt(agentID, 10)
		}
	}
	if id == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "asAgentId is required: the token's user is not an agent")
		return
	}
	a, err := e.agentLocked(id)
	if err != nil {
		writeError(w, http.StatusNotFound, "InvalidAgentId", "Agent "+id+" does not exist")
		return
	}
	if a.session != "" {
		writeError(w, http.StatusConflict, "AgentAlreadyLoggedIn", "Agent "+id+" already has a session; join it")
		return
	}
	if err := e.setLocked(a, Unavailable); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"sessionId": a.session})
}

// endSession serves DELETE /agent-sessions/{sessionId}: the agent is logged out (202, no body) and the
// session's poller gets a SessionEnd event.
func (e *Emulator) endSession(w http.ResponseWriter, _ *http.Request, sessionID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.byID[e.sessions[sessionID]]
	if a == nil {
		writeError(w, http.StatusNotFound, "InvalidAgentSession", "The agent session does not exist or has ended")
		return
	}
	_ = e.setLocked(a, LoggedOut)
	w.WriteHeader(http.StatusAccepted)
}

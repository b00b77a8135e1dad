package zendeskemu

import (
	"encoding/json"
	"net/http"
	"slices"
)

// talkAvailability is the Talk availabilities resource.
type talkAvailability struct {
	AgentState *string `json:"agent_state"`
	CallStatus *string `json:"call_status"`
	Via        *string `json:"via"`
}

func (e *Emulator) getTalk(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(r.PathValue("agent"))
	if u == nil {
		notFound(w)
		return
	}
	writeTalk(w, u)
}

func writeTalk(w http.ResponseWriter, u *user) {
	talk, via := u.talk, u.via
	writeJSON(w, http.StatusOK, map[string]talkAvailability{"availability": {AgentState: &talk, Via: &via}})
}

// putTalk updates via and, only with omnichannel routing off, agent_state.
func (e *Emulator) putTalk(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Availability *talkAvailability `json:"availability"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Availability == nil {
		writeError(w, http.StatusBadRequest, "InvalidParameter", `body needs {"availability":{...}}`)
		return
	}
	a := body.Availability
	if a.Via != nil && *a.Via != "client" && *a.Via != "phone" {
		writeError(w, http.StatusUnprocessableEntity, "RecordInvalid", "via must be client or phone")
		return
	}
	if a.AgentState != nil && !slices.Contains(talkStates, *a.AgentState) {
		writeError(w, http.StatusUnprocessableEntity, "RecordInvalid", "agent_state must be online, offline, away or transfers_only")
		return
	}
	if a.AgentState != nil && !e.opts.TalkOnly {
		writeError(w, http.StatusUnprocessableEntity, "OmnichannelRoutingEnabled",
			"agent_state cannot be updated through this API while omnichannel routing is on; use the Unified Agent Status API")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.agent(r.PathValue("agent"))
	if u == nil {
		notFound(w)
		return
	}
	if a.Via != nil {
		u.via = *a.Via
	}
	if a.AgentState != nil {
		e.setTalk(u, *a.AgentState)
	}
	writeTalk(w, u)
}

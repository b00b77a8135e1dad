package servicenowemu

import (
	"encoding/json"
	"mime"
	"net/http"
)

// channelJSON is a service channel in an AWA answer.
type channelJSON struct {
	Name        string `json:"name,omitempty"`
	SysID       string `json:"sys_id"`
	Available   bool   `json:"available"`
	RestrictUpd bool   `json:"restrict_update"`
	ChannelType string `json:"service_channel_type,omitempty"`
}

// presenceJSON renders an agent's presence; mu must be held.
func presenceJSON(u *user) map[string]any {
	s, _ := stateBySysID(u.state)
	return map[string]any{"name": s.Name, "sys_id": s.SysID, "available": s.Available, "channels": channelsJSON(s, u)}
}

func channelsJSON(s State, u *user) []channelJSON {
	out := make([]channelJSON, 0, len(channels))
	for _, c := range channels {
		on := s.Available
		if u != nil {
			on = on && !u.channelOff[c.sysID]
		}
		out = append(out, channelJSON{Name: c.name, SysID: c.sysID, Available: on, ChannelType: "chat"})
	}
	return out
}

// awa serves the AWA Agent API: GET and PUT /api/now/awa/agents/{id}, GET .../{id}/presence_states.
func (e *Emulator) awa(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case len(seg) == 1 && only(w, r, http.MethodGet, http.MethodPut):
		if r.Method == http.MethodPut {
			e.putAgent(w, r, seg[0])
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if u := e.agent(w, seg[0]); u != nil {
			writeJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"sys_id": u.sysID, "presence": presenceJSON(u)}})
		}
	case len(seg) == 2 && seg[1] == "presence_states" && only(w, r, http.MethodGet):
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.agent(w, seg[0]) == nil {
			return
		}
		var out []map[string]any
		for _, s := range states() {
			if s.Active {
				out = append(out, map[string]any{"name": s.Name, "order": s.Order, "show_channels": s.Available, "sys_id": s.SysID,
					"available": s.Available, "channels": channelsJSON(s, nil), "disable_inactivity_check": false})
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"result": out})
	case len(seg) > 2 || (len(seg) == 2 && seg[1] != "presence_states"):
		failure(w, http.StatusBadRequest, "Requested URI does not represent any resource", "")
	}
}

// agent finds an AWA agent or answers 404; mu must be held.
func (e *Emulator) agent(w http.ResponseWriter, id string) *user {
	u := e.users[id]
	if u == nil {
		failure(w, http.StatusNotFound, "Record Not Found", "no AWA agent with sys_id "+id)
	}
	return u
}

// putAgent sets the agent's presence: an active state, and the availability of the channels named.
func (e *Emulator) putAgent(w http.ResponseWriter, r *http.Request, id string) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		failure(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "the body must be application/json")
		return
	}
	var in struct {
		Presence *struct {
			SysID    string        `json:"sys_id"`
			Channels []channelJSON `json:"channels"`
		} `json:"presence"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Presence == nil {
		failure(w, http.StatusBadRequest, "Invalid request body", "want {\"presence\":{\"sys_id\":...,\"channels\":[...]}}")
		return
	}
	s, ok := stateBySysID(in.Presence.SysID)
	if !ok || !s.Active {
		failure(w, http.StatusBadRequest, "Invalid presence state", "no active awa_presence_state "+in.Presence.SysID)
		return
	}
	chans := map[string]bool{}
	for _, c := range in.Presence.Channels {
		if !knownChannel(c.SysID) {
			failure(w, http.StatusBadRequest, "Invalid service channel", "no awa_service_channel "+c.SysID)
			return
		}
		chans[c.SysID] = c.Available
	}
	e.fireMu.Lock()
	defer e.fireMu.Unlock()
	e.mu.Lock()
	u := e.agent(w, id)
	if u == nil {
		e.mu.Unlock()
		return
	}
	body := e.setPresence(u, s, chans, e.opts.Username)
	out := map[string]any{"result": map[string]any{"sys_id": u.sysID, "presence": presenceJSON(u)}}
	e.mu.Unlock()
	e.fire(body)
	writeJSON(w, http.StatusOK, out)
}

func knownChannel(id string) bool {
	for _, c := range channels {
		if c.sysID == id {
			return true
		}
	}
	return false
}

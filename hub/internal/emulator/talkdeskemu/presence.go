package talkdeskemu

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
)

// States Change and State speak (the talkdesk adapter's vocabulary).
const (
	stateAvailable = "available"
	stateAway      = "away" // the generic Busy, without a custom status
	stateOffline   = "offline"
	stateOnCall    = "on_call"
	busyPrefix     = "busy:" // + a custom Busy status id
)

// presence renders a user's presence object; mu must be held.
func (e *Emulator) presence(u *user, base string) map[string]any {
	p := map[string]any{"id": u.presenceID, "account_id": DefaultAccountID, "status": u.status,
		"custom_status": nil, "custom_status_id": nil, "occupancy": 0,
		"channels": []map[string]any{{"name": "voice", "devices": []string{"dev-" + u.id}, "occupancy": 0}},
		"devices":  []map[string]string{{"id": "dev-" + u.id}}, "interactions": []any{},
		"updated_by": u.updatedBy, "updated_at": u.updatedAt.Format(time.RFC3339Nano),
		"_links": map[string]link{"self": {Href: base + "/users/" + u.id + "/presence"}}}
	if cs, ok := e.customStatus(u.customID); ok && u.status == "away" {
		p["custom_status"], p["custom_status_id"] = cs.Name, cs.ID
	}
	list := e.interactions(u)
	if len(list) == 0 {
		return p
	}
	total, byChannel, channels := 0, map[string]int{}, []string{"voice"}
	for _, it := range list {
		total += it.Cost
		if _, seen := byChannel[it.ChannelName]; !seen && it.ChannelName != "voice" {
			channels = append(channels, it.ChannelName)
		}
		byChannel[it.ChannelName] += it.Cost
	}
	chans := make([]map[string]any, 0, len(channels))
	for _, name := range channels {
		c := map[string]any{"name": name, "devices": []string{}, "occupancy": min(byChannel[name], 100)}
		if name == "voice" {
			c["devices"] = []string{"dev-" + u.id}
		}
		chans = append(chans, c)
	}
	p["occupancy"], p["channels"], p["interactions"] = min(total, 100), chans, list
	return p
}

func (e *Emulator) getPresenceRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		userNotFound(w, seg[1])
		return
	}
	writeJSON(w, http.StatusOK, e.presence(u, baseURL(r)))
}

// putStatusRoute serves PUT /users/{id}/presence/status: "available", or "away" with a custom Busy
// status; never for an agent who is offline or on a call.
func (e *Emulator) putStatusRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		apiError(w, http.StatusUnsupportedMediaType, "1000415", "Unsupported Media Type", "the body must be application/json")
		return
	}
	var in struct {
		Status         string `json:"status"`
		CustomStatusID string `json:"custom_status_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "1000400", "Bad Request", "the body is not a JSON object")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		userNotFound(w, seg[1])
		return
	}
	switch {
	case in.Status == "available" && in.CustomStatusID == "":
	case in.Status == "away":
		if _, ok := e.customStatus(in.CustomStatusID); !ok {
			apiError(w, http.StatusBadRequest, "1000400", "Bad Request", "invalid status",
				fieldError{Name: "custom_status_id", Description: "must be the id of a custom Busy status"})
			return
		}
	default:
		apiError(w, http.StatusBadRequest, "1000400", "Bad Request", "invalid status",
			fieldError{Name: "status", Description: "a status can only be changed to available, or away with a custom Busy status"})
		return
	}
	if why := busyReason(u); why != "" {
		apiError(w, http.StatusBadRequest, "1000409", "Bad Request", "the status cannot be changed: "+why)
		return
	}
	u.status, u.customID = in.Status, in.CustomStatusID
	u.updatedBy, u.updatedAt = "client:"+e.opts.ClientID, now()
	writeJSON(w, http.StatusOK, e.presence(u, baseURL(r)))
}

// busyReason says why the user's status cannot be changed now ("" when it can).
func busyReason(u *user) string {
	switch {
	case u.status == stateOffline:
		return "the user is offline"
	case u.call != "":
		return "the user is on a call"
	}
	return ""
}

func (e *Emulator) listCustomRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	pg, per, ok := page(w, r)
	if !ok {
		return
	}
	all := e.opts.CustomStatuses
	lo := min((pg-1)*per, len(all))
	hi := min(lo+per, len(all))
	items := make([]any, 0, hi-lo)
	for _, c := range all[lo:hi] {
		items = append(items, map[string]any{"id": c.ID, "name": c.Name, "status": "away", "active": true})
	}
	writeJSON(w, http.StatusOK, halList(r, "custom_statuses", items, pg, per, len(all)))
}

// Change does what the agent would in Talkdesk's apps: "on_call" answers a call (not while offline);
// "available", "away" (the generic Busy), "busy:<custom status id>" and "offline" pick a status, ending
// any call first.
func (e *Emulator) Change(externalID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return fmt.Errorf("talkdesk emulator: no user %q", externalID)
	}
	if state == stateOnCall {
		if u.status == stateOffline {
			return fmt.Errorf("talkdesk emulator: user %s is offline and cannot take a call", externalID)
		}
		if u.call == "" {
			u.call = uuid()
		}
		u.updatedBy, u.updatedAt = "user:"+u.id, now()
		return nil
	}
	status, custom := state, ""
	if id, ok := strings.CutPrefix(state, busyPrefix); ok {
		if _, known := e.customStatus(id); !known {
			return fmt.Errorf("talkdesk emulator: no custom status %q", id)
		}
		status, custom = stateAway, id
	} else if state != stateAvailable && state != stateAway && state != stateOffline {
		return fmt.Errorf("talkdesk emulator: cannot change a user to %q (want available, away, busy:<id>, offline or on_call)", state)
	}
	u.call, u.status, u.customID = "", status, custom
	u.updatedBy, u.updatedAt = "user:"+u.id, now()
	return nil
}

// State is the user's state as the talkdesk adapter reads it: on_call during a call, else offline,
// available, busy:<custom status id> or away.
func (e *Emulator) State(externalID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[externalID]
	if u == nil {
		return "", fmt.Errorf("talkdesk emulator: no user %q", externalID)
	}
	switch {
	case u.call != "":
		return stateOnCall, nil
	case u.status == stateAway && u.customID != "":
		return busyPrefix + u.customID, nil
	}
	return u.status, nil
}

package aircallemu

import (
	"encoding/json"
	"net/http"
	"strings"
)

// listUsers serves GET /v1/users and GET /v2/users (v2: no numbers array).
func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request, v2 bool) {
	pg, ok := parsePage(w, r)
	if !ok {
		return
	}
	base := baseURL(r)
	e.mu.Lock()
	lo, hi := pg.bounds(len(e.order))
	out := make([]userJSON, 0, hi-lo)
	for _, id := range e.order[lo:hi] {
		if v2 {
			out = append(out, e.users[id].v2(base))
		} else {
			out = append(out, e.users[id].v1(base))
		}
	}
	total := len(e.order)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"meta": pg.meta(r, len(out), total), "users": out})
}

// getUser serves GET /v1/users/{id} and GET /v2/users/{id or email}.
func (e *Emulator) getUser(w http.ResponseWriter, r *http.Request, id string, v2 bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.lookup(id)
	if u == nil && v2 {
		for _, uid := range e.order {
			if strings.EqualFold(e.users[uid].email, id) {
				u = e.users[uid]
				break
			}
		}
	}
	if u == nil {
		notFound(w, "user")
		return
	}
	if v2 {
		writeJSON(w, http.StatusOK, map[string]any{"user": u.v2(baseURL(r))})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u.v1(baseURL(r))})
}

// putUser serves PUT /v1/users/{id}. Only availability_status is applied (other user fields are
// ignored); only available, custom and unavailable can be set, anything else is a 400 that changes
// nothing. A change fires user.opened/user.closed like a change in the dashboard.
func (e *Emulator) putUser(w http.ResponseWriter, r *http.Request, id string) {
	var in struct {
		AvailabilityStatus *string `json:"availability_status"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		badRequest(w, "body must be a JSON object")
		return
	}
	e.fireMu.Lock()
	defer e.fireMu.Unlock()
	e.mu.Lock()
	u := e.lookup(id)
	if u == nil {
		e.mu.Unlock()
		notFound(w, "user")
		return
	}
	var evs []event
	if in.AvailabilityStatus != nil {
		switch s := *in.AvailabilityStatus; s {
		case statusAvailable, statusCustom, statusUnavailable:
			evs = e.setStatus(u, s)
		default:
			e.mu.Unlock()
			badRequest(w, "availability_status must be one of available, custom, unavailable")
			return
		}
	}
	out := u.v1(baseURL(r))
	e.mu.Unlock()
	e.fire(evs)
	writeJSON(w, http.StatusOK, map[string]any{"user": out})
}

// availabilityJSON is one entry of GET /v1/users/availabilities.
type availabilityJSON struct {
	ID           int64  `json:"id"`
	Availability string `json:"availability"`
}

// listAvailabilities serves GET /v1/users/availabilities.
func (e *Emulator) listAvailabilities(w http.ResponseWriter, r *http.Request) {
	pg, ok := parsePage(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	lo, hi := pg.bounds(len(e.order))
	out := make([]availabilityJSON, 0, hi-lo)
	for _, id := range e.order[lo:hi] {
		out = append(out, availabilityJSON{ID: id, Availability: e.users[id].availability()})
	}
	total := len(e.order)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "meta": pg.meta(r, len(out), total)})
}

// getAvailability serves GET /v1/users/{id}/availability.
func (e *Emulator) getAvailability(w http.ResponseWriter, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.lookup(id)
	if u == nil {
		notFound(w, "user")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"availability": u.availability()})
}

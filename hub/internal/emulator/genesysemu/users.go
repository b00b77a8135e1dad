package genesysemu

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Routing statuses.
const (
	RoutingOffQueue      = "OFF_QUEUE"
	RoutingIdle          = "IDLE"
	RoutingInteracting   = "INTERACTING"
	RoutingCommunicating = "COMMUNICATING"
	RoutingNotResponding = "NOT_RESPONDING"
)

// user is one Genesys user, its PURECLOUD presence and its routing status.
type user struct {
	id, email, name string
	def             string // presence definition id
	message         string
	modified        time.Time
	routing         string
	routingStart    time.Time
}

// AddUser adds an active agent, Available and off queue, and returns its id.
func (e *Emulator) AddUser(email, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	u := &user{id: newID(), email: email, name: name, def: System[0].ID, modified: now, routing: RoutingOffQueue, routingStart: now}
	e.users[u.id] = u
	e.order = append(e.order, u.id)
	return u.id
}

// userJSON renders a user; expand names the parts to include (presence, routingStatus).
func (e *Emulator) userJSON(u *user, expand []string) map[string]any {
	out := map[string]any{"id": u.id, "name": u.name, "email": u.email, "username": u.email, "state": "active",
		"selfUri": "/api/v2/users/" + u.id}
	if slices.Contains(expand, "presence") {
		out["presence"] = e.presenceJSON(u)
	}
	if slices.Contains(expand, "routingStatus") {
		out["routingStatus"] = routingJSON(u)
	}
	return out
}

func expandOf(r *http.Request) []string {
	var out []string
	for _, v := range r.URL.Query()["expand"] {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// listUsersRoute serves GET /api/v2/users: active users in creation order, pageSize (default 25, at
// most 500) and pageNumber, expand=presence,routingStatus; state other than active lists nobody.
func (e *Emulator) listUsersRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	size, number, ok := paging(w, q.Get("pageSize"), q.Get("pageNumber"), 25)
	if !ok {
		return
	}
	if st := q.Get("state"); st != "" && st != "active" && st != "any" && st != "inactive" && st != "deleted" {
		badRequest(w, "state", "state must be active, inactive, deleted or any")
		return
	}
	expand := expandOf(r)
	e.mu.Lock()
	all := []map[string]any{}
	if st := q.Get("state"); st == "" || st == "active" || st == "any" {
		for _, id := range e.order {
			all = append(all, e.userJSON(e.users[id], expand))
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, page(all, size, number, "/api/v2/users"))
}

// getUserRoute serves GET /api/v2/users/{id} (expand as for the list).
func (e *Emulator) getUserRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		apiError(w, http.StatusNotFound, "not.found", "User not found: "+seg[1])
		return
	}
	writeJSON(w, http.StatusOK, e.userJSON(u, expandOf(r)))
}

// searchUsersRoute serves POST /api/v2/users/search with EXACT queries on email (or username).
func (e *Emulator) searchUsersRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	var in struct {
		Query []struct {
			Type   string   `json:"type"`
			Fields []string `json:"fields"`
			Value  string   `json:"value"`
		} `json:"query"`
		Expand []string `json:"expand"`
	}
	if !decode(w, r, &in) {
		return
	}
	if len(in.Query) == 0 {
		badRequest(w, "query", "query must hold at least one criterion")
		return
	}
	for _, c := range in.Query {
		if !strings.EqualFold(c.Type, "EXACT") {
			badRequest(w, "query.type", "only EXACT queries are emulated")
			return
		}
		for _, f := range c.Fields {
			if f != "email" && f != "username" {
				badRequest(w, "query.fields", "only email and username are searchable here, not "+f)
				return
			}
		}
	}
	e.mu.Lock()
	results := []map[string]any{}
	for _, id := range e.order {
		u := e.users[id]
		match := true
		for _, c := range in.Query {
			match = match && strings.EqualFold(u.email, c.Value)
		}
		if match {
			results = append(results, e.userJSON(u, in.Expand))
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total": len(results), "pageCount": 1, "pageSize": 25, "pageNumber": 1, "results": results})
}

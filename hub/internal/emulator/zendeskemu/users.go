package zendeskemu

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Zendesk user roles.
const (
	roleEndUser = "end-user"
	roleAgent   = "agent"
	roleAdmin   = "admin"
)

// user is a Support user and, for agents and admins, their availability.
type user struct {
	id                int64
	email, name, role string
	active, suspended bool
	created, updated  time.Time
	status            int64 // unified status id (omnichannel routing)
	reason            string
	statusAt          time.Time
	talk, via         string // Talk agent_state and via
	talkAt            time.Time
	version           int
}

func (u *user) isAgent() bool { return u.role == roleAgent || u.role == roleAdmin }

// User is an emulated account's user, for seeding demos.
type User struct {
	ID, Email, Name, Role string
}

// AddUser adds an agent (offline) and returns its id.
func (e *Emulator) AddUser(email, name string) string {
	return strconv.FormatInt(e.addUser(email, name, roleAgent), 10)
}

func (e *Emulator) addUser(email, name, role string) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now().UTC()
	u := &user{id: e.nextID, email: email, name: name, role: role, active: true, created: now, updated: now,
		status: statusOffline, reason: "UNKNOWN", statusAt: now, talk: "offline", via: "client", talkAt: now, version: 1}
	e.nextID++
	e.users = append(e.users, u)
	e.byID[u.id] = u
	return u.id
}

// Users lists the account's users (the owner is an admin; one end-user exists too), oldest first.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]User, 0, len(e.users))
	for _, u := range e.users {
		out = append(out, User{ID: strconv.FormatInt(u.id, 10), Email: u.email, Name: u.name, Role: u.role})
	}
	return out
}

// agent finds an agent or admin by path id ("me" is the authenticated owner); e.mu must be held.
func (e *Emulator) agent(ref string) *user {
	if ref == "me" {
		return e.byID[e.ownerID]
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return nil
	}
	if u := e.byID[id]; u != nil && u.isAgent() {
		return u
	}
	return nil
}

func userJSON(base string, u *user) map[string]any {
	return map[string]any{"id": u.id, "url": base + "/api/v2/users/" + strconv.FormatInt(u.id, 10) + ".json",
		"name": u.name, "email": u.email, "role": u.role, "active": u.active, "suspended": u.suspended,
		"created_at": u.created.Format(userTime), "updated_at": u.updated.Format(userTime)}
}

func (e *Emulator) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("ref"), ".json"), 10, 64)
	e.mu.Lock()
	u := e.byID[id]
	var body map[string]any
	if u != nil {
		body = map[string]any{"user": userJSON(baseURL(r), u)}
	}
	e.mu.Unlock()
	if err != nil || u == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// listUsers pages with cursors (page[size], page[after], page[before]) or, without them, offsets
// (page, per_page); role or role[] filter.
func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	roles := append(q["role[]"], q["role"]...)
	e.mu.Lock()
	var match []*user
	for _, u := range e.users {
		if len(roles) == 0 || slices.Contains(roles, u.role) {
			match = append(match, u)
		}
	}
	base := baseURL(r)
	all := make([]map[string]any, len(match))
	for i, u := range match {
		all[i] = userJSON(base, u)
	}
	e.mu.Unlock()
	if q.Has("page[size]") || q.Has("page[after]") || q.Has("page[before]") {
		e.cursorPage(w, r, match, all)
		return
	}
	offsetPage(w, r, all)
}

func (e *Emulator) cursorPage(w http.ResponseWriter, r *http.Request, match []*user, all []map[string]any) {
	ids := make([]int64, len(match))
	for i, u := range match {
		ids[i] = u.id
	}
	c, ok := readCursor(w, r, ids)
	if !ok {
		return
	}
	meta, links := c.metaLinks(r, ids, ".json")
	writeJSON(w, http.StatusOK, map[string]any{"users": all[c.lo:c.hi], "meta": meta, "links": links})
}

// offsetPage is the legacy style: page and per_page (≤100), next_page/previous_page and count.
func offsetPage(w http.ResponseWriter, r *http.Request, all []map[string]any) {
	q := r.URL.Query()
	page, per := atoiOr(q.Get("page"), 1), atoiOr(q.Get("per_page"), 100)
	if page < 1 || per < 1 || per > 100 {
		writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", "page must be ≥1 and per_page between 1 and 100")
		return
	}
	lo := min((page-1)*per, len(all))
	hi := min(lo+per, len(all))
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		return baseURL(r) + r.URL.Path + ".json?" + v.Encode()
	}
	var next, prev any
	if hi < len(all) {
		next = link(page + 1)
	}
	if page > 1 {
		prev = link(page - 1)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": all[lo:hi], "next_page": next, "previous_page": prev, "count": len(all)})
}

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

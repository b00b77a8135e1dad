package teamsemu

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Paging of /users.
const (
	defaultTop = 100
	// MaxTop is the largest $top; a larger one is a 400.
	MaxTop = 999
)

// User is a user of the emulated tenant, for seeding demos.
type User struct{ ID, UPN, Mail, Name string }

// AddUser adds a user whose UPN and mail are email, signed in to Teams (Available), and returns its id.
func (e *Emulator) AddUser(email, name string) string { return e.AddUserDetails(email, email, name) }

// AddUserDetails adds a user with its own UPN and mail ("" : null) and returns its id.
func (e *Emulator) AddUserDetails(upn, mail, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	u := &user{id: fmt.Sprintf("%08x-0000-4000-8000-%012x", e.seq, e.seq), upn: upn, mail: mail, name: name, enabled: true,
		clientOn: true, sessions: map[string]session{}}
	u.last = u.aggregate(e.now())
	e.users[u.id] = u
	e.order = append(e.order, u.id)
	return u.id
}

// Users lists the tenant's users in creation order.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]User, 0, len(e.order))
	for _, id := range e.order {
		u := e.users[id]
		out = append(out, User{ID: u.id, UPN: u.upn, Mail: u.mail, Name: u.name})
	}
	return out
}

// find returns the user by id or UPN (case-insensitive); the caller holds e.mu.
func (e *Emulator) find(key string) *user {
	if u := e.users[key]; u != nil {
		return u
	}
	for _, id := range e.order {
		if strings.EqualFold(e.users[id].upn, key) {
			return e.users[id]
		}
	}
	return nil
}

func (u *user) render() map[string]any {
	var mail any
	if u.mail != "" {
		mail = u.mail
	}
	return map[string]any{"id": u.id, "displayName": u.name, "mail": mail, "userPrincipalName": u.upn, "accountEnabled": u.enabled}
}

// filterRe is the one $filter shape served: userPrincipalName or mail eq 'value'.
var filterRe = regexp.MustCompile(`^\s*(userPrincipalName|mail)\s+eq\s+'((?:[^']|'')*)'\s*$`)

// listUsersRoute serves GET /v1.0/users: $top (1–999, default 100), $skiptoken from @odata.nextLink,
// $filter "userPrincipalName eq '…'" or "mail eq '…'", $select accepted (every field is returned).
func (e *Emulator) listUsersRoute(w http.ResponseWriter, r *http.Request, _ []string, _ token) {
	q := r.URL.Query()
	top := defaultTop
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxTop {
			badField(w, "$top", "Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, MaxTop)
			return
		}
		top = n
	}
	skip := 0
	if v := q.Get("$skiptoken"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "X"))
		if err != nil || n < 0 || !strings.HasPrefix(v, "X") {
			badField(w, "$skiptoken", "Invalid skip token.")
			return
		}
		skip = n
	}
	field, value := "", ""
	if f := q.Get("$filter"); f != "" {
		m := filterRe.FindStringSubmatch(f)
		if m == nil {
			badField(w, "$filter", "Unsupported or invalid query filter clause specified: %q", f)
			return
		}
		field, value = m[1], strings.ReplaceAll(m[2], "''", "'")
	}
	e.mu.Lock()
	var matched []map[string]any
	for _, id := range e.order {
		u := e.users[id]
		if (field == "userPrincipalName" && !strings.EqualFold(u.upn, value)) || (field == "mail" && !strings.EqualFold(u.mail, value)) {
			continue
		}
		matched = append(matched, u.render())
	}
	e.mu.Unlock()
	page := matched[min(skip, len(matched)):min(skip+top, len(matched))]
	out := map[string]any{"@odata.context": baseURL(r) + "/v1.0/$metadata#users", "value": page}
	if skip+top < len(matched) {
		nq := url.Values{"$top": {strconv.Itoa(top)}, "$skiptoken": {"X" + strconv.Itoa(skip+top)}}
		for _, k := range []string{"$filter", "$select"} {
			if v := q.Get(k); v != "" {
				nq.Set(k, v)
			}
		}
		out["@odata.nextLink"] = baseURL(r) + "/v1.0/users?" + nq.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// getUserRoute serves GET /v1.0/users/{id | userPrincipalName}.
func (e *Emulator) getUserRoute(w http.ResponseWriter, r *http.Request, seg []string, _ token) {
	e.mu.Lock()
	u := e.find(seg[1])
	var out map[string]any
	if u != nil {
		out = u.render()
	}
	e.mu.Unlock()
	if u == nil {
		notFound(w, seg[1])
		return
	}
	out["@odata.context"] = baseURL(r) + "/v1.0/$metadata#users/$entity"
	writeJSON(w, http.StatusOK, out)
}

func notFound(w http.ResponseWriter, id string) {
	graphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

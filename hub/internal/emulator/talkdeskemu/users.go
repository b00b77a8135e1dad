package talkdeskemu

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Pagination of lists.
const (
	defaultPerPage = 20
	// MaxPerPage is the largest page; a larger per_page is a 400.
	MaxPerPage = 100
)

// user is one Talkdesk user and its presence.
type user struct {
	id, email, name string
	extension       int
	createdAt       time.Time
	presenceID      string
	status          string        // available, away, offline
	customID        string        // custom Busy status while away ("" = the generic Busy)
	call            string        // the voice interaction of a call in progress ("" = none)
	external        []interaction // added through the occupancy API
	updatedBy       string
	updatedAt       time.Time
}

// User is a user of the emulated account, for seeding demos.
type User struct{ ID, Email, Name string }

// AddUser adds an agent who is logged in and available, and returns its id.
func (e *Emulator) AddUser(email, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	u := &user{id: randomHex(12), email: email, name: name, extension: 100 + int(e.seq), createdAt: now(),
		presenceID: uuid(), status: "available", updatedAt: now()}
	u.updatedBy = "user:" + u.id
	e.users[u.id] = u
	e.order = append(e.order, u.id)
	return u.id
}

// Users lists the account's users in creation order.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]User, 0, len(e.order))
	for _, id := range e.order {
		out = append(out, User{ID: id, Email: e.users[id].email, Name: e.users[id].name})
	}
	return out
}

type link struct {
	Href      string `json:"href"`
	Templated bool   `json:"templated,omitempty"`
}

func (u *user) render(base string) map[string]any {
	return map[string]any{"id": u.id, "email": u.email, "name": u.name, "active": true, "gender": nil,
		"extension": u.extension, "external_phone_number": nil, "created_at": u.createdAt.Format(time.RFC3339),
		"_links": map[string]link{"self": {Href: base + "/users/" + u.id}}}
}

// page reads page (default 1) and per_page (default 20, at most 100); bad values answer 400.
func page(w http.ResponseWriter, r *http.Request) (pg, per int, ok bool) {
	pg, per = 1, defaultPerPage
	for _, f := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &pg, 1 << 30}, {"per_page", &per, MaxPerPage}} {
		v := r.URL.Query().Get(f.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > f.max {
			apiError(w, http.StatusBadRequest, "1000400", "Bad Request", "invalid query parameter",
				fieldError{Name: f.name, Description: fmt.Sprintf("must be an integer from 1 to %d", f.max)})
			return 0, 0, false
		}
		*f.dst = n
	}
	return pg, per, true
}

// halList renders one page of a list the Talkdesk way: counts, _embedded and _links.
func halList(r *http.Request, key string, items []any, pg, per, total int) map[string]any {
	pages := max(1, (total+per-1)/per)
	href := func(n int) link {
		return link{Href: fmt.Sprintf("%s%s?page=%d&per_page=%d", baseURL(r), r.URL.Path, n, per)}
	}
	links := map[string]link{"self": href(pg), "first": href(1), "last": href(pages)}
	if pg < pages {
		links["next"] = href(pg + 1)
	}
	if pg > 1 {
		links["prev"] = href(pg - 1)
	}
	if key == "users" {
		links["show"] = link{Href: baseURL(r) + "/users/{id}", Templated: true}
	}
	return map[string]any{"count": len(items), "total": total, "page": pg, "per_page": per, "total_pages": pages,
		"_embedded": map[string]any{key: items}, "_links": links}
}

func (e *Emulator) listUsersRoute(w http.ResponseWriter, r *http.Request, _ []string) {
	pg, per, ok := page(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	total := len(e.order)
	lo := min((pg-1)*per, total)
	hi := min(lo+per, total)
	items := make([]any, 0, hi-lo)
	for _, id := range e.order[lo:hi] {
		items = append(items, e.users[id].render(baseURL(r)))
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, halList(r, "users", items, pg, per, total))
}

func (e *Emulator) getUserRoute(w http.ResponseWriter, r *http.Request, seg []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[seg[1]]
	if u == nil {
		userNotFound(w, seg[1])
		return
	}
	writeJSON(w, http.StatusOK, u.render(baseURL(r)))
}

func userNotFound(w http.ResponseWriter, id string) {
	apiError(w, http.StatusNotFound, "1000404", "Not Found", "user "+id+" not found")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uuid returns a random (version 4) UUID.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

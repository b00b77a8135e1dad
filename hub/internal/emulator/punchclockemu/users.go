package punchclockemu

import (
	"fmt"
	"net/http"
	"strconv"
)

// AddUser adds a user and returns its punch-clock id ("pc-1001").
func (e *Emulator) AddUser(email, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID++
	u := &user{id: "pc-" + strconv.FormatInt(e.nextID, 10), email: email, name: name}
	e.users[u.id] = u
	e.order = append(e.order, u.id)
	return u.id
}

// listUsers answers one page of users, formatted ({"id","email","name"}) or not ({"punch_clock_*"}).
func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request, formatted bool) {
	page, size := 1, e.opts.PageSize
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"page", &page, 1, 1 << 30}, {"per_page", &size, 1, maxPageSize}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("%s must be a number from %d to %d", p.name, p.min, p.max)})
			return
		}
		*p.dst = n
	}
	e.mu.Lock()
	total := len(e.order)
	lo := min((page-1)*size, total)
	hi := min(lo+size, total)
	list := make([]map[string]string, 0, hi-lo)
	for _, id := range e.order[lo:hi] {
		u := e.users[id]
		if formatted {
			list = append(list, map[string]string{"id": u.id, "email": u.email, "name": u.name})
		} else {
			list = append(list, map[string]string{"punch_clock_id": u.id, "punch_clock_email": u.email, "punch_clock_name": u.name})
		}
	}
	e.mu.Unlock()
	var next *string
	if hi < total {
		link := fmt.Sprintf("%s%s?page=%d", baseURL(r), r.URL.Path, page+1)
		if r.URL.Query().Has("per_page") {
			link += "&per_page=" + strconv.Itoa(size)
		}
		next = &link
		w.Header().Set("Link", "<"+link+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": list, "count": len(list), "total": total, "page": page, "next": next})
}

// baseURL is the scheme and host the request reached.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

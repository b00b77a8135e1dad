package talkdeskemu

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// route is one API endpoint: its method, the scope its token needs and its handler.
type route struct {
	method, scope string
	serve         func(e *Emulator, w http.ResponseWriter, r *http.Request, seg []string)
}

// routes maps a path pattern ("*" = one segment) to its endpoints.
var routes = map[string][]route{
	"users":                      {{http.MethodGet, ScopeUsersRead, (*Emulator).listUsersRoute}},
	"users/*":                    {{http.MethodGet, ScopeUsersRead, (*Emulator).getUserRoute}},
	"users/*/presence":           {{http.MethodGet, ScopePresenceRead, (*Emulator).getPresenceRoute}},
	"users/*/presence/status":    {{http.MethodPut, ScopePresenceWrite, (*Emulator).putStatusRoute}},
	"users/*/presence/occupancy": {{http.MethodPatch, ScopeOccupancyWrite, (*Emulator).patchOccupancyRoute}},
	"presence/custom-statuses":   {{http.MethodGet, ScopePresenceRead, (*Emulator).listCustomRoute}},
}

// serve answers the token endpoint, then finds the endpoint, checks the token and its scope, spends
// the rate budget (authenticated requests only) and calls the handler.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	if path == "oauth/token" {
		e.issueToken(w, r)
		return
	}
	seg := strings.Split(path, "/")
	eps := routes[pattern(seg)]
	if len(eps) == 0 {
		apiError(w, http.StatusNotFound, "1000404", "Not Found", "no such resource: /"+path)
		return
	}
	var ep *route
	var allowed []string
	for i := range eps {
		allowed = append(allowed, eps[i].method)
		if eps[i].method == r.Method {
			ep = &eps[i]
		}
	}
	if ep == nil {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		apiError(w, http.StatusMethodNotAllowed, "1000405", "Method Not Allowed", r.Method+" is not allowed here")
		return
	}
	if !e.authorize(w, r, ep.scope) {
		return
	}
	limit, remaining, reset, ok := e.Window.Take()
	if limit > 0 {
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(time.Until(reset).Seconds())))))
		apiError(w, http.StatusTooManyRequests, "1000429", "Too Many Requests", "the account's request budget is spent")
		return
	}
	ep.serve(e, w, r, seg)
}

// pattern turns path segments into a routes key: known words stay, ids become "*".
func pattern(seg []string) string {
	out := make([]string, len(seg))
	for i, s := range seg {
		switch {
		case s == "":
			return ""
		case i == 1 && seg[0] == "users":
			out[i] = "*"
		default:
			out[i] = s
		}
	}
	return strings.Join(out, "/")
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fieldError names a request field that is wrong.
type fieldError struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// apiError is Talkdesk's error body: code, message, description and (for 400s) the fields at fault.
func apiError(w http.ResponseWriter, status int, code, msg, desc string, fields ...fieldError) {
	body := map[string]any{"code": code, "message": msg, "description": desc}
	if len(fields) > 0 {
		body["fields"] = fields
	}
	writeJSON(w, status, body)
}

// baseURL is the scheme and host the request reached, for links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

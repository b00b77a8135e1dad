package genesysemu

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// route is one API endpoint.
type route struct {
	method string
	serve  func(e *Emulator, w http.ResponseWriter, r *http.Request, seg []string)
}

// routes maps a path pattern under /api/v2 ("*" = an id) to its endpoints.
var routes = map[string][]route{
	"users":                                  {{http.MethodGet, (*Emulator).listUsersRoute}},
	"users/search":                           {{http.MethodPost, (*Emulator).searchUsersRoute}},
	"users/*":                                {{http.MethodGet, (*Emulator).getUserRoute}},
	"users/*/presences/purecloud":            {{http.MethodGet, (*Emulator).getPresenceRoute}, {http.MethodPatch, (*Emulator).patchPresenceRoute}},
	"users/*/routingstatus":                  {{http.MethodGet, (*Emulator).getRoutingRoute}},
	"presencedefinitions":                    {{http.MethodGet, (*Emulator).listDefinitionsRoute}},
	"presence/definitions":                   {{http.MethodGet, (*Emulator).listDefinitionsRoute}},
	"notifications/channels":                 {{http.MethodGet, (*Emulator).listChannelsRoute}, {http.MethodPost, (*Emulator).createChannelRoute}},
	"notifications/channels/*/subscriptions": subscriptionRoutes,
}

var subscriptionRoutes = []route{
	{http.MethodGet, (*Emulator).getSubscriptionsRoute},
	{http.MethodPost, (*Emulator).addSubscriptionsRoute},
	{http.MethodPut, (*Emulator).replaceSubscriptionsRoute},
	{http.MethodDelete, (*Emulator).deleteSubscriptionsRoute},
}

// serve answers the token endpoint, then finds the endpoint, checks the token, spends the rate budget
// and calls the handler.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	if path == "oauth/token" {
		e.issueToken(w, r)
		return
	}
	rest, ok := strings.CutPrefix(path, "api/v2/")
	seg := strings.Split(rest, "/")
	eps := routes[pattern(seg)]
	if !ok || len(eps) == 0 {
		apiError(w, http.StatusNotFound, "not.found", "The requested resource was not found: /"+path)
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
		apiError(w, http.StatusMethodNotAllowed, "method.not.allowed", r.Method+" is not allowed on /"+path)
		return
	}
	if !e.authorize(w, r) {
		return
	}
	limit, remaining, reset, ok := e.Window.Take()
	if limit > 0 {
		h := w.Header()
		h.Set("inin-ratelimit-count", strconv.Itoa(limit-remaining))
		h.Set("inin-ratelimit-allowed", strconv.Itoa(limit))
		h.Set("inin-ratelimit-reset", strconv.Itoa(max(1, int(math.Ceil(reset.Sub(e.clock.Now()).Seconds())))))
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(reset.Sub(e.clock.Now()).Seconds())))))
		apiError(w, http.StatusTooManyRequests, "too.many.requests", "Rate limit exceeded the maximum. [300] requests for [token.rate.per.minute]")
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
		case i == 1 && seg[0] == "users" && s != "search":
			out[i] = "*"
		case i == 2 && seg[0] == "notifications" && seg[1] == "channels":
			out[i] = "*"
		default:
			out[i] = s
		}
	}
	return strings.Join(out, "/")
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is Genesys's error body: message, code, status, a context id and empty details/errors.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code, "status": status, "messageParams": map[string]any{},
		"contextId": newID(), "details": []any{}, "errors": []any{}})
}

// badRequest is a 400 naming the field at fault.
func badRequest(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": msg, "code": "bad.request", "status": http.StatusBadRequest,
		"messageParams": map[string]any{"field": field}, "contextId": newID(), "details": []any{},
		"errors": []any{map[string]any{"message": msg, "code": "bad.request", "messageParams": map[string]any{"field": field}}}})
}

// decode reads a JSON body; it answers the 400 itself and reports false.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		badRequest(w, "body", "The request could not be understood by the server due to malformed syntax: "+err.Error())
		return false
	}
	return true
}

// newID returns a random UUID (version 4).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// baseURL is the scheme and host the request reached, for links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

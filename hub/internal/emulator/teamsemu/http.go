package teamsemu

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds a request body (getPresencesByUserId with 650 ids fits many times over).
const maxBody = 1 << 20

// route is one Graph endpoint.
type route struct {
	method string
	serve  func(e *Emulator, w http.ResponseWriter, r *http.Request, seg []string, tok token)
}

// routes maps a path pattern below /v1.0 ("*" = one segment) to its endpoints.
var routes = map[string][]route{
	"users":                          {{http.MethodGet, (*Emulator).listUsersRoute}},
	"users/*":                        {{http.MethodGet, (*Emulator).getUserRoute}},
	"users/*/presence":               {{http.MethodGet, (*Emulator).getPresenceRoute}},
	"users/*/presence/setPresence":   {{http.MethodPost, (*Emulator).setPresenceRoute}},
	"users/*/presence/clearPresence": {{http.MethodPost, (*Emulator).clearPresenceRoute}},
	"users/*/presence/setUserPreferredPresence":   {{http.MethodPost, (*Emulator).setPreferredRoute}},
	"users/*/presence/clearUserPreferredPresence": {{http.MethodPost, (*Emulator).clearPreferredRoute}},
	"communications/presences/*":                  {{http.MethodGet, (*Emulator).getPresenceRoute}},
	"communications/getPresencesByUserId":         {{http.MethodPost, (*Emulator).presencesByIDRoute}},
	"subscriptions": {{http.MethodGet, (*Emulator).listSubscriptionsRoute},
		{http.MethodPost, (*Emulator).createSubscriptionRoute}},
	"subscriptions/*": {{http.MethodGet, (*Emulator).getSubscriptionRoute},
		{http.MethodPatch, (*Emulator).patchSubscriptionRoute}, {http.MethodDelete, (*Emulator).deleteSubscriptionRoute}},
	"subscriptions/*/reauthorize": {{http.MethodPost, (*Emulator).reauthorizeRoute}},
}

// serve answers the token endpoint, then finds the Graph endpoint, checks the token, spends the
// request budget and calls the handler. Expired sessions are swept first, so every answer (and the
// notifications of what expired) reflects the clock.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	if tenant, ok := strings.CutSuffix(path, "/oauth2/v2.0/token"); ok && !strings.Contains(tenant, "/") {
		e.issueToken(w, r, tenant)
		return
	}
	rest, ok := strings.CutPrefix(path, "v1.0/")
	if !ok {
		graphError(w, http.StatusNotFound, "BadRequest", "Invalid version: the path must start with /v1.0/")
		return
	}
	seg := strings.Split(rest, "/")
	eps := routes[pattern(seg)]
	if len(eps) == 0 {
		graphError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+seg[len(seg)-1]+"'.")
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
		graphError(w, http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
		return
	}
	tok, ok := e.authorize(w, r)
	if !ok {
		return
	}
	if limit, _, reset, ok := e.Window.Take(); !ok && limit > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(time.Until(reset).Seconds())))))
		graphError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please retry after the time in Retry-After.")
		return
	}
	e.Sweep()
	ep.serve(e, w, r, seg, tok)
}

// pattern turns path segments into a routes key: known words stay, ids become "*".
func pattern(seg []string) string {
	out := make([]string, len(seg))
	for i, s := range seg {
		switch {
		case s == "":
			return ""
		case i == 1 && (seg[0] == "users" || seg[0] == "subscriptions"):
			out[i] = "*"
		case i == 2 && seg[0] == "communications" && seg[1] == "presences":
			out[i] = "*"
		default:
			out[i] = s
		}
	}
	return strings.Join(out, "/")
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// graphError is Graph's error body: {"error":{"code","message","innerError":{"request-id","date"}}}.
func graphError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]string{"request-id": "00000000-0000-4000-8000-000000000000", "date": time.Now().UTC().Format(time.RFC3339)}}})
}

// readJSON decodes a JSON request body into dst; it answers 415 or 400 itself and reports false.
func readJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		graphError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json")
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		graphError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "the body is too large")
		return false
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, dst); err != nil {
		graphError(w, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
		return false
	}
	return true
}

// baseURL is the scheme and host the request reached, for links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// badField answers 400 naming the field.
func badField(w http.ResponseWriter, field, format string, args ...any) {
	graphError(w, http.StatusBadRequest, "BadRequest", field+": "+fmt.Sprintf(format, args...))
}

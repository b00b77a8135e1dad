package salesforceemu

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// versionPath matches /services/data/vNN.N and captures the rest of the path.
var versionPath = regexp.MustCompile(`^/services/data/(v\d+\.\d)(/.*)?$`)

// serve routes: the token endpoint needs no session; the REST API needs a live one and spends the
// org's request allocation.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/services/oauth2/token" {
		e.token(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/id/") {
		e.identity(w, r)
		return
	}
	if r.URL.Path == "/services/data" || r.URL.Path == "/services/data/" {
		writeJSON(w, http.StatusOK, []map[string]string{{"label": "Spring '24", "url": "/services/data/" + DefaultAPIVersion, "version": strings.TrimPrefix(DefaultAPIVersion, "v")}})
		return
	}
	m := versionPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	if !e.authenticated(r) {
		writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	if !e.spend(w) {
		writeErrors(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
		return
	}
	base, rest := "/services/data/"+m[1], m[2]
	switch {
	case rest == "/query" || rest == "/query/":
		if only(w, r, http.MethodGet) {
			e.query(w, r, base)
		}
	case strings.HasPrefix(rest, "/query/"):
		if only(w, r, http.MethodGet) {
			e.queryMore(w, base, strings.TrimPrefix(rest, "/query/"))
		}
	case rest == "" || rest == "/":
		if only(w, r, http.MethodGet) {
			e.resources(w, r, base)
		}
	case rest == "/sobjects" || rest == "/sobjects/":
		if only(w, r, http.MethodGet) {
			globalDescribe(w, base)
		}
	case strings.HasPrefix(rest, "/sobjects/"):
		e.sobject(w, r, base, strings.Split(strings.Trim(strings.TrimPrefix(rest, "/sobjects/"), "/"), "/"))
	case rest == "/limits" || rest == "/limits/":
		if only(w, r, http.MethodGet) {
			e.limits(w)
		}
	default:
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

// sobject routes /sobjects/{type}[/describe | /{id}].
func (e *Emulator) sobject(w http.ResponseWriter, r *http.Request, base string, seg []string) {
	o := objectNamed(seg[0])
	switch {
	case o == nil || len(seg) > 2:
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	case len(seg) == 1 && o.schema == eventSchema:
		if only(w, r, http.MethodPost) {
			e.publish(w, r)
		}
	case len(seg) == 1 && r.Method == http.MethodPost && o.schema == presenceSchema:
		readOnlyPresence(w, "inserted")
	case len(seg) == 1:
		if only(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, map[string]any{"objectDescribe": o.summary(base), "recentItems": []any{}})
		}
	case seg[1] == "describe":
		if only(w, r, http.MethodGet) {
			describe(w, o, base)
		}
	case r.Method == http.MethodPatch && o.schema == presenceSchema:
		readOnlyPresence(w, "updated")
	case !o.retrieveable:
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	default:
		if only(w, r, http.MethodGet) {
			e.retrieve(w, r, o, seg[1], base)
		}
	}
}

// authenticated accepts "Authorization: Bearer {access_token}" (or "OAuth {token}") of a live session.
func (e *Emulator) authenticated(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(h, "OAuth ")
	}
	if !ok || tok == "" {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for t, exp := range e.sessions {
		if subtle.ConstantTimeCompare([]byte(t), []byte(strings.TrimSpace(tok))) == 1 {
			return time.Now().Before(exp)
		}
	}
	return false
}

// spend takes one request from the allocation and reports usage in Sforce-Limit-Info (not sent for an
// unlimited org). It reports false when the allocation is spent.
func (e *Emulator) spend(w http.ResponseWriter) bool {
	limit, remaining, _, ok := e.Window.Take()
	if limit > 0 {
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", limit-remaining, limit))
	}
	return ok
}

// limits answers GET /limits with the request allocation.
func (e *Emulator) limits(w http.ResponseWriter) {
	usage := w.Header().Get("Sforce-Limit-Info")
	var used, lim int
	_, _ = fmt.Sscanf(usage, "api-usage=%d/%d", &used, &lim)
	writeJSON(w, http.StatusOK, map[string]any{"DailyApiRequests": map[string]int{"Max": lim, "Remaining": lim - used}})
}

// only answers 405 unless the method is allowed.
func only(w http.ResponseWriter, r *http.Request, allowed string) bool {
	if r.Method == allowed {
		return true
	}
	w.Header().Set("Allow", allowed)
	writeErrors(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", r.Method, allowed))
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErrors answers the REST API's error shape: [{"message":..., "errorCode":...}].
func writeErrors(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, []map[string]any{{"message": msg, "errorCode": code}})
}

// baseURL is the org's address as the request reached it (the token's instance_url).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

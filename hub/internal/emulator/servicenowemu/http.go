package servicenowemu

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rateRule is the sys_id of the emulated rate limit rule (sys_rate_limit_rules).
const rateRule = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

// serve answers the token endpoint, then authenticates, applies the rate limit and routes.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth_token.do" {
		e.oauthToken(w, r)
		return
	}
	if !e.authenticated(w, r) {
		return
	}
	limit, _, reset, ok := e.Window.Take()
	if limit > 0 {
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("X-RateLimit-Rule", rateRule)
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(time.Until(reset).Seconds())))))
		failure(w, http.StatusTooManyRequests, "Rate limit exceeded", "Too many requests; retry after the time in Retry-After")
		return
	}
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(seg) >= 4 && seg[0] == "api" && seg[1] == "now" && seg[2] == "table":
		e.table(w, r, seg[3:])
	case len(seg) >= 5 && seg[0] == "api" && seg[1] == "now" && seg[2] == "v2" && seg[3] == "table":
		e.table(w, r, seg[4:])
	case len(seg) >= 5 && seg[0] == "api" && seg[1] == "now" && seg[2] == "awa" && seg[3] == "agents":
		if e.opts.NoAWARole {
			failure(w, http.StatusForbidden, "User Not Authorized", "the awa_integration_user role is required")
			return
		}
		e.awa(w, r, seg[4:])
	default:
		failure(w, http.StatusBadRequest, "Requested URI does not represent any resource", "")
	}
}

// only answers 405 unless the method is allowed.
func only(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	failure(w, http.StatusMethodNotAllowed, "Method not Supported", "")
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// failure is ServiceNow's REST error body.
func failure(w http.ResponseWriter, status int, msg, detail string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg, "detail": detail}, "status": "failure"})
}

// baseURL is the scheme and host the client used, for links: https when the request came over TLS,
// or, with Options.TrustForwardedProto, when a TLS-terminating proxy says so in X-Forwarded-Proto.
func (e *Emulator) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); e.opts.TrustForwardedProto && (p == "http" || p == "https") {
		scheme = p
	}
	return scheme + "://" + r.Host
}

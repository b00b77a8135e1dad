package punchclockemu

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serve authenticates, spends the rate budget and routes.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(e.opts.APIToken)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	limit, remaining, reset, ok := e.window.Take()
	if limit > 0 {
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	}
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(time.Until(reset).Seconds())))))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many requests"})
		return
	}
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(seg) == 2 && seg[0] == "users" && (seg[1] == "formatted" || seg[1] == "not-formatted"):
		if only(w, r, http.MethodGet) {
			e.listUsers(w, r, seg[1] == "formatted")
		}
	case len(seg) == 3 && seg[0] == "users" && seg[2] == "punch-clock":
		switch r.Method {
		case http.MethodPost:
			e.punch(w, r, seg[1])
		case http.MethodGet:
			e.listPunches(w, seg[1])
		default:
			only(w, r, http.MethodGet, http.MethodPost)
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	}
}

// only answers 405 unless the request's method is one of allowed.
func only(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

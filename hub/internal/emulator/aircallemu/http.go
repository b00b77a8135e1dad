package aircallemu

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serve authenticates, spends the rate budget and routes. Auth comes first, as at Aircall's edge:
// unauthenticated requests are not counted against the company.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
		return
	}
	id, token, ok := r.BasicAuth()
	if !ok || !equal(id, e.opts.APIID) || !equal(token, e.opts.APIToken) {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "Forbidden"})
		return
	}
	limit, remaining, reset, ok := e.Window.Take()
	if limit > 0 {
		h := w.Header()
		h.Set("X-AircallApi-Limit", strconv.Itoa(limit))
		h.Set("X-AircallApi-Remaining", strconv.Itoa(remaining))
		h.Set("X-AircallApi-Reset", strconv.FormatInt(reset.Unix(), 10))
	}
	if !ok {
		wait := max(1, int(math.Ceil(time.Until(reset).Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too Many Requests"})
		return
	}
	e.route(w, r)
}

// route dispatches an authenticated request.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request) {
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	m := r.Method
	switch {
	case match(seg, "v1", "ping"):
		if only(w, m, http.MethodGet) {
			writeJSON(w, http.StatusOK, map[string]string{"ping": "pong"})
		}
	case match(seg, "v1", "users"), match(seg, "v2", "users"):
		if only(w, m, http.MethodGet) {
			e.listUsers(w, r, seg[0] == "v2")
		}
	case match(seg, "v1", "users", "availabilities"):
		if only(w, m, http.MethodGet) {
			e.listAvailabilities(w, r)
		}
	case match(seg, "v1", "users", "*"):
		if only(w, m, http.MethodGet, http.MethodPut) {
			if m == http.MethodGet {
				e.getUser(w, r, seg[2], false)
			} else {
				e.putUser(w, r, seg[2])
			}
		}
	case match(seg, "v2", "users", "*"):
		if only(w, m, http.MethodGet) {
			e.getUser(w, r, seg[2], true)
		}
	case match(seg, "v2", "users", "*", "numbers"):
		if only(w, m, http.MethodGet) {
			e.listUserNumbers(w, r, seg[2])
		}
	case match(seg, "v1", "users", "*", "availability"):
		if only(w, m, http.MethodGet) {
			e.getAvailability(w, seg[2])
		}
	case match(seg, "v1", "webhooks"):
		if only(w, m, http.MethodGet, http.MethodPost) {
			if m == http.MethodGet {
				e.listWebhooks(w, r)
			} else {
				e.createWebhook(w, r)
			}
		}
	case match(seg, "v1", "webhooks", "*"):
		switch m {
		case http.MethodGet:
			e.getWebhook(w, r, seg[2])
		case http.MethodPut:
			e.updateWebhook(w, r, seg[2])
		case http.MethodDelete:
			e.deleteWebhook(w, seg[2])
		default:
			only(w, m)
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// match reports whether the path segments are pattern ("*" matches any one non-empty segment).
func match(seg []string, pattern ...string) bool {
	if len(seg) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if seg[i] == "" || (p != "*" && p != seg[i]) {
			return false
		}
	}
	return true
}

// only answers 405 unless method is one of allowed.
func only(w http.ResponseWriter, method string, allowed ...string) bool {
	for _, a := range allowed {
		if method == a {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "Method Not Allowed"})
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// badRequest is Aircall's 400 shape: an error and a hint.
func badRequest(w http.ResponseWriter, troubleshoot string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Bad Request", "troubleshoot": troubleshoot})
}

// notFound answers 404 for a missing resource (a path that exists, an id that does not).
func notFound(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found", "troubleshoot": "Check the " + what + " id"})
}

// baseURL is the scheme and host the request reached, for links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

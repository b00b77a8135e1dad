package zendeskemu

import (
	"crypto/subtle"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// guard authenticates every request, then spends the rate-limit window and answers its headers.
func (e *Emulator) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !e.authenticated(r) {
			e.mu.Lock()
			limit, remaining := e.limit, e.remaining
			e.mu.Unlock()
			setRateHeaders(w, limit, remaining)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
			return
		}
		limit, remaining, reset, ok := e.Window.Take()
		e.mu.Lock()
		e.limit, e.remaining = limit, remaining
		e.mu.Unlock()
		setRateHeaders(w, limit, remaining)
		if !ok {
			wait := max(int(math.Ceil(time.Until(reset).Seconds())), 1)
			w.Header().Set("Retry-After", strconv.Itoa(wait))
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "TooManyRequests"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticated accepts Basic "{email}/token:{api_token}" and "Bearer {oauth_token}".
func (e *Emulator) authenticated(r *http.Request) bool {
	if user, pass, ok := r.BasicAuth(); ok {
		return equal(user, e.opts.Email+"/token") && equal(pass, e.opts.APIToken)
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return equal(strings.TrimSpace(tok), e.opts.OAuthToken)
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// setRateHeaders answers the account's limit; an unlimited account (0) answers none.
func setRateHeaders(w http.ResponseWriter, limit, remaining int) {
	if limit <= 0 {
		return
	}
	w.Header().Set("X-Rate-Limit", strconv.Itoa(limit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers Zendesk's error shape {"error":..., "description":...}.
func writeError(w http.ResponseWriter, status int, code, description string) {
	body := map[string]string{"error": code}
	if description != "" {
		body["description"] = description
	}
	writeJSON(w, status, body)
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "RecordNotFound", "Not found")
}

// baseURL is the account's address as the request reached it, for absolute links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Time formats: users carry seconds, availabilities microseconds.
const (
	userTime   = time.RFC3339
	statusTime = "2006-01-02T15:04:05.000000Z07:00"
)

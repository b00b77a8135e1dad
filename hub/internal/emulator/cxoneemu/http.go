package cxoneemu

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// apiPath matches /inContactAPI/services/vN.0/... and captures the rest.
var apiPath = regexp.MustCompile(`(?i)^/inContactAPI/services/v\d+\.0(/.*)$`)

// TokenPath is the access-key token endpoint.
const TokenPath = "/authentication/v1/token/access-key"

// serve routes: the token endpoint is open; the API needs a live bearer token and spends the budget.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.EqualFold(r.URL.Path, TokenPath):
		e.token(w, r)
		return
	case strings.EqualFold(r.URL.Path, LegacyTokenPath):
		e.legacyToken(w, r)
		return
	}
	m := apiPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeError(w, http.StatusNotFound, "NotFound", "The requested resource does not exist")
		return
	}
	if !e.authenticated(r) {
		writeError(w, http.StatusUnauthorized, "invalid_token", "The access token is missing, invalid or expired")
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
		writeError(w, http.StatusTooManyRequests, "TooManyRequests", "Request rate limit exceeded")
		return
	}
	e.route(w, r, strings.Split(strings.Trim(m[1], "/"), "/"))
}

func (e *Emulator) route(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case match(seg, "agents"):
		get(w, r, e.listAgents)
	case match(seg, "agents", "states"):
		get(w, r, e.listStates)
	case match(seg, "agents", "*"):
		get(w, r, func(w http.ResponseWriter, r *http.Request) { e.getAgent(w, seg[1]) })
	case match(seg, "agents", "*", "states"):
		get(w, r, func(w http.ResponseWriter, r *http.Request) { e.getAgentState(w, seg[1]) })
	case match(seg, "teams"):
		get(w, r, e.listTeams)
	case match(seg, "teams", "*", "unavailable-codes"):
		get(w, r, func(w http.ResponseWriter, r *http.Request) { e.teamCodes(w, r, seg[1]) })
	case match(seg, "agent-sessions"):
		post(w, r, e.startSession)
	case match(seg, "agent-sessions", "join"):
		post(w, r, e.join)
	case match(seg, "agent-sessions", "*"):
		method(w, r, http.MethodDelete, func(w http.ResponseWriter, r *http.Request) { e.endSession(w, r, seg[1]) })
	case match(seg, "agent-sessions", "*", "state"):
		post(w, r, func(w http.ResponseWriter, r *http.Request) { e.setState(w, r, seg[1]) })
	case match(seg, "agent-sessions", "*", "get-next-event"):
		get(w, r, func(w http.ResponseWriter, r *http.Request) { e.nextEvent(w, r, seg[1]) })
	default:
		writeError(w, http.StatusNotFound, "NotFound", "The requested resource does not exist")
	}
}

// token serves POST /authentication/v1/token/access-key: JSON {"accessKeyId", "accessKeySecret"}.
func (e *Emulator) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use POST")
		return
	}
	var in struct {
		ID     string `json:"accessKeyId"`
		Secret string `json:"accessKeySecret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ID == "" || in.Secret == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "accessKeyId and accessKeySecret are required")
		return
	}
	if !equal(in.ID, e.opts.AccessKeyID) || !equal(in.Secret, e.opts.AccessKeySecret) {
		writeError(w, http.StatusUnauthorized, "invalid_grant", "Invalid access key")
		return
	}
	tok := randomHex(24)
	e.mu.Lock()
	e.issueLocked(tok, 0)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(e.opts.TokenTTL.Seconds()), "id_token": "", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"})
}

// authenticated accepts a live bearer token ("Bearer" or "bearer", as the legacy token_type says).
func (e *Emulator) authenticated(r *http.Request) bool {
	tok := bearer(r)
	if tok == "" {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.tokens[tok]
	return ok && time.Now().Before(exp)
}

func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// baseURL is the scheme and host the request reached.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// match reports whether the path segments are pattern ("*" matches any one non-empty segment).
func match(seg []string, pattern ...string) bool {
	if len(seg) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if seg[i] == "" || (p != "*" && !strings.EqualFold(p, seg[i])) {
			return false
		}
	}
	return true
}

func get(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) { method(w, r, http.MethodGet, h) }
func post(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	method(w, r, http.MethodPost, h)
}

func method(w http.ResponseWriter, r *http.Request, m string, h http.HandlerFunc) {
	if r.Method != m {
		w.Header().Set("Allow", m)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use "+m)
		return
	}
	h(w, r)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers {"error": code, "error_description": description}.
func writeError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// timeFormat is the API's datetime format.
const timeFormat = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

package servicenowemu

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"strings"
	"time"
)

// issued is an access or refresh token.
type issued struct {
	refresh bool
	expires time.Time
}

// oauthToken serves POST /oauth_token.do: form-encoded only; grant_type password (client and user
// credentials: an access and a refresh token) or refresh_token (a new access token).
func (e *Emulator) oauthToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "use POST"})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "the body must be application/x-www-form-urlencoded"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "unreadable form"})
		return
	}
	f := r.PostForm
	denied := func() {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "server_error", "error_description": "access_denied"})
	}
	if !equal(f.Get("client_id"), e.opts.ClientID) || !equal(f.Get("client_secret"), e.opts.ClientSecret) {
		denied()
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	refresh := ""
	switch f.Get("grant_type") {
	case "password":
		if !equal(f.Get("username"), e.opts.Username) || !equal(f.Get("password"), e.opts.Password) {
			denied()
			return
		}
		refresh = sysID() + sysID()
		e.tokens[refresh] = issued{refresh: true, expires: time.Now().Add(e.opts.RefreshTTL)}
	case "refresh_token":
		refresh = f.Get("refresh_token")
		if t, ok := e.tokens[refresh]; !ok || !t.refresh || time.Now().After(t.expires) {
			denied()
			return
		}
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "grant_type must be password or refresh_token"})
		return
	}
	access := sysID() + sysID()
	e.tokens[access] = issued{expires: time.Now().Add(e.opts.AccessTTL)}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "refresh_token": refresh, "scope": "useraccount",
		"token_type": "Bearer", "expires_in": int(e.opts.AccessTTL.Seconds()) - 1})
}

// authenticated checks Basic credentials or a bearer token; it answers 401 itself and reports false.
func (e *Emulator) authenticated(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		failure(w, http.StatusUnauthorized, "User Not Authenticated", "Required to provide Auth information")
		return false
	}
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		e.mu.Lock()
		t, known := e.tokens[tok]
		e.mu.Unlock()
		if known && !t.refresh && time.Now().Before(t.expires) {
			return true
		}
	} else if u, p, ok := r.BasicAuth(); ok && equal(u, e.opts.Username) && equal(p, e.opts.Password) {
		return true
	}
	failure(w, http.StatusUnauthorized, "User is not authenticated", "Required to provide Auth information")
	return false
}

// ExpireAccessTokens makes every access token expire now (refresh tokens stay valid).
func (e *Emulator) ExpireAccessTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, t := range e.tokens {
		if !t.refresh {
			t.expires = time.Now().Add(-time.Second)
			e.tokens[k] = t
		}
	}
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

package talkdeskemu

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// token is an issued access token.
type token struct {
	scopes  []string
	expires time.Time
}

// issueToken serves POST /oauth/token: client credentials only, the client authenticated with HTTP
// Basic, a form body, space-separated scopes (none asked: every scope the client may have).
func (e *Emulator) issueToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id) // RFC 6749 2.3.1: form-encoded before Basic
	secret, _ = url.QueryUnescape(secret)
	if !ok || !equal(id, e.opts.ClientID) || !equal(secret, e.opts.ClientSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="talkdesk"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "unreadable form body")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials, not "+quote(gt))
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if len(scopes) == 0 {
		scopes = slices.Clone(e.opts.Scopes)
	}
	for _, s := range scopes {
		if !slices.Contains(e.opts.Scopes, s) {
			oauthError(w, http.StatusBadRequest, "invalid_scope", "the client may not request scope "+quote(s))
			return
		}
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	e.mu.Lock()
	for k, t := range e.tokens { // forget expired tokens
		if now().After(t.expires) {
			delete(e.tokens, k)
		}
	}
	e.tokens[tok] = token{scopes: scopes, expires: now().Add(e.opts.TokenTTL)}
	e.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(e.opts.TokenTTL.Seconds()), "scope": strings.Join(scopes, " ")})
}

// authorize checks the bearer token and its scope; it answers 401/403 itself and reports false.
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		apiError(w, http.StatusUnauthorized, "1000401", "Unauthorized", "a Bearer access token is required")
		return false
	}
	e.mu.Lock()
	t, known := e.tokens[tok]
	e.mu.Unlock()
	switch {
	case !known:
		apiError(w, http.StatusUnauthorized, "1000401", "Unauthorized", "invalid access token")
		return false
	case now().After(t.expires):
		apiError(w, http.StatusUnauthorized, "1000401", "Unauthorized", "the access token expired")
		return false
	case !slices.Contains(t.scopes, scope):
		apiError(w, http.StatusForbidden, "1000403", "Forbidden", "the access token lacks scope "+scope)
		return false
	}
	return true
}

// ExpireTokens makes every issued token expire now (as if time passed).
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, t := range e.tokens {
		t.expires = now().Add(-time.Second)
		e.tokens[k] = t
	}
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func quote(s string) string { return `"` + s + `"` }

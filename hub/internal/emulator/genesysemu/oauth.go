package genesysemu

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// issueToken serves POST /oauth/token (the login host): client credentials, the client authenticated
// with HTTP Basic, a form body. No refresh token; expires_in is the token's life in seconds.
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
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client not found or bad client secret")
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
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	now := e.clock.Now()
	e.mu.Lock()
	for k, exp := range e.tokens {
		if now.After(exp) {
			delete(e.tokens, k)
		}
	}
	e.tokens[tok] = now.Add(e.opts.TokenTTL)
	e.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(e.opts.TokenTTL.Seconds())})
}

// authorize checks the bearer token; it answers the 401 itself and reports false.
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		apiError(w, http.StatusUnauthorized, "authentication.required", "No authentication bearer token specified in authorization header.")
		return false
	}
	e.mu.Lock()
	exp, known := e.tokens[tok]
	e.mu.Unlock()
	if !known || e.clock.Now().After(exp) {
		apiError(w, http.StatusUnauthorized, "bad.credentials", "Invalid login credentials.")
		return false
	}
	return true
}

// ExpireTokens makes every issued token unknown (revoked), as if they had expired early.
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = map[string]time.Time{}
}

// oauthError is the login host's error body.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "description": desc, "error_description": desc})
}

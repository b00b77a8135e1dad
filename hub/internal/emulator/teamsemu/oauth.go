package teamsemu

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"net/http"
	"strings"
	"time"
)

// token is an issued access token: an application's (client credentials) or a signed-in user's
// (delegated, from the refresh-token grant).
type token struct {
	delegated bool
	expires   time.Time
}

// issueToken serves POST /{tenant}/oauth2/v2.0/token: client credentials (scope must be
// GraphScope) or refresh_token, the client authenticated in the form body or with Basic.
func (e *Emulator) issueToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: unreadable form body")
		return
	}
	if tenant != e.opts.TenantID {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS90002: Tenant '"+tenant+"' not found.")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if !equal(id, e.opts.ClientID) {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+id+"' was not found in the directory.")
		return
	}
	if !equal(secret, e.opts.ClientSecret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return
	}
	delegated := false
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "client_credentials":
		if r.PostForm.Get("scope") != GraphScope {
			oauthError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.")
			return
		}
	case "refresh_token":
		if !equal(r.PostForm.Get("refresh_token"), e.opts.RefreshToken) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "AADSTS70000: The provided value for the refresh token is not valid.")
			return
		}
		delegated = true
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '"+gt+"'.")
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	now := e.now()
	e.mu.Lock()
	for k, t := range e.tokens {
		if now.After(t.expires) {
			delete(e.tokens, k)
		}
	}
	e.tokens[tok] = token{delegated: delegated, expires: now.Add(e.opts.TokenTTL)}
	e.mu.Unlock()
	ttl := int(e.opts.TokenTTL.Seconds())
	out := map[string]any{"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl, "access_token": tok}
	if delegated {
		out["refresh_token"], out["scope"] = e.opts.RefreshToken, "https://graph.microsoft.com/Presence.Read.All https://graph.microsoft.com/User.Read"
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// authorize checks the bearer token; it answers 401 itself and reports false.
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request) (token, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		return token{}, false
	}
	e.mu.Lock()
	t, known := e.tokens[raw]
	e.mu.Unlock()
	switch {
	case !known:
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed.")
		return token{}, false
	case e.now().After(t.expires):
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		return token{}, false
	}
	return t, true
}

// ExpireTokens makes every issued token expire now.
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, t := range e.tokens {
		t.expires = e.now().Add(-time.Second)
		e.tokens[k] = t
	}
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "error_codes": []int{}})
}

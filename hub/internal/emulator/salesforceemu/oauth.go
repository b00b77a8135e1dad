package salesforceemu

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// orgID is the emulated org's id.
var orgID = newID(prefixOrg, 1)

// token serves POST /services/oauth2/token (form-encoded): grant_type client_credentials, or password
// when the username-password flow is on. Client id and secret come in the form or as Basic auth.
// Errors follow Salesforce: 400 with {"error", "error_description"}.
func (e *Emulator) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "must use HTTP POST"})
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", "malformed form body")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	grant := r.PostForm.Get("grant_type")
	switch {
	case grant != "client_credentials" && grant != "password":
		oauthError(w, "unsupported_grant_type", "grant type not supported")
		return
	case !equal(id, e.opts.ClientID):
		oauthError(w, "invalid_client_id", "client identifier invalid")
		return
	case !equal(secret, e.opts.ClientSecret):
		oauthError(w, "invalid_client", "invalid client credentials")
		return
	case grant == "password" && (!e.passwordFlow() || !equal(r.PostForm.Get("username"), e.opts.Username) ||
		!equal(r.PostForm.Get("password"), e.opts.Password)):
		// Also the answer when the org blocks the flow (Summer '23+ default).
		oauthError(w, "invalid_grant", "authentication failure")
		return
	}
	tok := orgID[:15] + "!AR" + randomHex(24)
	issued := strconv.FormatInt(time.Now().UnixMilli(), 10)
	identity := e.identityURL(r)
	mac := hmac.New(sha256.New, []byte(e.opts.ClientSecret))
	mac.Write([]byte(identity + issued))
	e.mu.Lock()
	for t, exp := range e.sessions {
		if time.Now().After(exp) {
			delete(e.sessions, t)
		}
	}
	e.sessions[tok] = time.Now().Add(e.opts.SessionTTL)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": tok, "instance_url": baseURL(r), "id": identity, "token_type": "Bearer",
		"issued_at": issued, "signature": base64.StdEncoding.EncodeToString(mac.Sum(nil)), "scope": "api",
	})
}

func oauthError(w http.ResponseWriter, code, description string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func randomHex(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

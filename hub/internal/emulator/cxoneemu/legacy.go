package cxoneemu

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// LegacyTokenPath is the legacy inContact token endpoint (paths are case-insensitive).
const LegacyTokenPath = "/InContactAuthorizationServer/Token"

// DefaultAgentPassword is every agent's password for the legacy password grant.
const DefaultAgentPassword = "cxone-demo-agent-password"

// legacyScope is granted when the request names none.
const legacyScope = "RealTimeApi AdminApi AgentApi ReportingApi"

// legacyToken serves POST /InContactAuthorizationServer/Token: the application authenticates with
// "Authorization: basic base64({app}@{vendor}:{business unit number})" (any app and vendor name; the
// emulator keeps no application registry) and the JSON body (a form is accepted too) carries
// grant_type password (an agent's userName and the agents' password, AgentPassword) or refresh_token.
// The answer names the API base (resource_server_base_uri, on the host the client used) and the
// agent the token acts as. Unconfirmed error shapes: 401 invalid_client for the application, 400
// invalid_grant for the user or refresh token, 400 unsupported_grant_type.
func (e *Emulator) legacyToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use POST")
		return
	}
	if !legacyClient(r.Header.Get("Authorization")) {
		writeError(w, http.StatusUnauthorized, "invalid_client",
			"Authorization must be basic base64({application}@{vendor}:"+strconv.Itoa(businessUnitID)+")")
		return
	}
	in := legacyParams(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	var a *agent
	switch in.GrantType {
	case "password":
		if in.Username == "" || in.Password == "" {
			writeError(w, http.StatusBadRequest, "invalid_request", "username and password are required")
			return
		}
		for _, c := range e.agents {
			if strings.EqualFold(c.userName, in.Username) && equal(in.Password, e.opts.AgentPassword) {
				a = c
			}
		}
	case "refresh_token":
		a = e.byID[e.refresh[in.RefreshToken]]
		if a != nil {
			delete(e.refresh, in.RefreshToken)
		}
	default:
		writeError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be password or refresh_token")
		return
	}
	if a == nil {
		writeError(w, http.StatusBadRequest, "invalid_grant", "Invalid username, password or refresh token")
		return
	}
	scope := in.Scope
	if scope == "" {
		scope = legacyScope
	}
	tok, refresh := randomHex(24), randomHex(24)
	e.issueLocked(tok, a.id)
	e.refresh[refresh] = a.id
	base := baseURL(r)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer",
		"expires_in": int(e.opts.TokenTTL.Seconds()), "refresh_token": refresh, "scope": scope,
		"resource_server_base_uri": base + "/inContactAPI/", "refresh_token_server_uri": base + LegacyTokenPath,
		"agent_id": a.id, "team_id": a.teamID, "bus_no": businessUnitID})
}

// legacyClient checks the application's basic credentials: "{app}@{vendor}:{business unit}".
func legacyClient(h string) bool {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "basic") {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return false
	}
	app, bu, ok := strings.Cut(string(raw), ":")
	name, vendor, at := strings.Cut(app, "@")
	return ok && at && name != "" && vendor != "" && bu == strconv.Itoa(businessUnitID)
}

type legacyIn struct {
	GrantType    string `json:"grant_type"`
	Username     string `json:"username"`
	Password     string `json:"password"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token"`
}

// legacyParams reads the JSON body, or a form.
func legacyParams(r *http.Request) legacyIn {
	var in legacyIn
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		_ = r.ParseForm()
		f := r.PostForm
		return legacyIn{f.Get("grant_type"), f.Get("username"), f.Get("password"), f.Get("scope"), f.Get("refresh_token")}
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	return in
}

// issueLocked records an access token, for agentID (0: the access key's integration user); e.mu must
// be held.
func (e *Emulator) issueLocked(tok string, agentID int64) {
	for t, exp := range e.tokens {
		if time.Now().After(exp) {
			delete(e.tokens, t)
			delete(e.tokenAgent, t)
		}
	}
	e.tokens[tok] = time.Now().Add(e.opts.TokenTTL)
	if agentID != 0 {
		e.tokenAgent[tok] = agentID
	}
}

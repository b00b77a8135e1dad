package salesforceemu

import (
	"net/http"
	"strings"
)

// The connected app's run-as (execution) user, which the client-credentials flow acts as: an active
// API-only user, present in User like any other (UserType Standard), whose identity URL the token
// response names.
const (
	IntegrationUsername = "presencehub.integration@example.com"
	integrationName     = "Presence Hub Integration"
)

// identityURL is the token's "id": the org's own host (the one the client used), /id/{org}/{user}.
func (e *Emulator) identityURL(r *http.Request) string {
	return baseURL(r) + "/id/" + orgID + "/" + e.runAs
}

// identity serves GET /id/{org}/{user} with the session's bearer token: the run-as user's identity.
// As Salesforce answers, a bad token is 403 "Bad_OAuth_Token" (plain text); another org or user is
// 404 "Bad_Id" (unconfirmed: the emulator's choice). Identity calls spend no API allocation.
func (e *Emulator) identity(w http.ResponseWriter, r *http.Request) {
	if !e.authenticated(r) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("Bad_OAuth_Token"))
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/id/"), "/")
	if len(parts) != 2 || compare(parts[0], orgID) != 0 || !validID(parts[1]) || compare(parts[1], e.runAs) != 0 {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("Bad_Id"))
		return
	}
	base := baseURL(r)
	e.mu.Lock()
	u := e.byID[e.runAs]
	e.mu.Unlock()
	first, last, _ := strings.Cut(u.name, " ")
	data := base + "/services/data/v{version}/"
	writeJSON(w, http.StatusOK, map[string]any{
		"id": e.identityURL(r), "asserted_user": true, "user_id": u.id, "organization_id": orgID,
		"username": u.username, "nick_name": strings.Split(u.username, "@")[0], "display_name": u.name,
		"email": u.email, "email_verified": true, "first_name": first, "last_name": last,
		"timezone": "America/Los_Angeles", "active": true, "user_type": "STANDARD", "language": "en_US",
		"locale": "en_US", "utcOffset": -28800000, "last_modified_date": jsonValue(u.created), "is_app_installed": true,
		"urls": map[string]string{"rest": data, "sobjects": data + "sobjects/", "query": data + "query/",
			"search": data + "search/", "recent": data + "recent/", "custom_domain": base,
			"profile": base + "/" + u.id, "users": data + "chatter/users"},
	})
}

// RunAs is the org's id and the run-as user's id, as the identity URL names them.
func (e *Emulator) RunAs() (org, user string) { return orgID, e.runAs }

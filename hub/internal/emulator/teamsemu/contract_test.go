package teamsemu_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/teamsemu"
)

// noNextLink matches a body without @odata.nextLink (the last page).
func noNextLink(v any) error {
	if strings.Contains(fmt.Sprint(v), "@odata.nextLink") {
		return fmt.Errorf("has @odata.nextLink: %v", v)
	}
	return nil
}

// TestContract sends the requests of the vendor reference's section 8 (Microsoft Graph presence) and
// checks the documented answers.
func TestContract(t *testing.T) {
	em, srv, _ := serve(t, teamsemu.Options{})
	h := newHook(t)
	ana := em.AddUser("ana@example.com", "Ana Lima")
	bo := em.AddUserDetails("bo@example.onmicrosoft.com", "", "Bo Berg")
	form := c.With(nil, "Content-Type", "application/x-www-form-urlencoded")
	creds := url.Values{"client_id": {teamsemu.DefaultClientID}, "client_secret": {teamsemu.DefaultClientSecret}}
	grant := func(kv ...string) string {
		v := url.Values{}
		for k, vs := range creds {
			v[k] = vs
		}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	tokenPath := "/" + teamsemu.DefaultTenantID + "/oauth2/v2.0/token"
	tok := c.With(c.Auth("Bearer {tok}"), "Content-Type", "application/json")
	dtok := c.With(c.Auth("Bearer {dtok}"), "Content-Type", "application/json")
	presence := "/v1.0/users/" + ana + "/presence"
	set := presence + "/setPresence"
	session := func(avail, act, dur string) string {
		return fmt.Sprintf(`{"sessionId":%q,"availability":%q,"activity":%q,"expirationDuration":%q}`, teamsemu.DefaultClientID, avail, act, dur)
	}
	resource := "/communications/presences?$filter=id in ('" + ana + "','" + bo + "')"
	sub := func(exp string) string {
		return fmt.Sprintf(`{"changeType":"updated","notificationUrl":"{hook}","lifecycleNotificationUrl":"{hook}","resource":%q,"expirationDateTime":%q,"clientState":"s3cret"}`, resource, exp)
	}
	many := `{"ids":["` + strings.Repeat(`x","`, teamsemu.MaxPresenceIDs) + `x"]}`
	manyRes := "/communications/presences?$filter=id in (" + strings.Repeat("'x',", teamsemu.MaxPresenceIDs) + "'x')"
	rows := []c.Row{
		{Name: "§8.1 client credentials", Method: "POST", Path: tokenPath, Header: form, Status: 200, Body: grant("grant_type", "client_credentials", "scope", teamsemu.GraphScope),
			JSON:    map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": c.Present(), "refresh_token": c.Null()},
			Capture: map[string]string{"tok": "access_token"}},
		{Name: "§8.1 client credentials need /.default", Method: "POST", Path: tokenPath, Header: form, Status: 400,
			Body: grant("grant_type", "client_credentials", "scope", "User.Read"), JSON: map[string]any{"error": "invalid_scope", "error_description": c.Match("^AADSTS1002012")}},
		{Name: "§8.1 wrong secret", Method: "POST", Path: tokenPath, Header: form, Status: 401,
			Body: grant("grant_type", "client_credentials", "scope", teamsemu.GraphScope, "client_secret", "nope"), JSON: map[string]any{"error": "invalid_client"}},
		{Name: "§8.1 unknown tenant", Method: "POST", Path: "/other/oauth2/v2.0/token", Header: form, Status: 400,
			Body: grant("grant_type", "client_credentials", "scope", teamsemu.GraphScope), JSON: map[string]any{"error_description": c.Match("^AADSTS90002")}},
		{Name: "§8.1 delegated: refresh token", Method: "POST", Path: tokenPath, Header: form, Status: 200,
			Body: grant("grant_type", "refresh_token", "refresh_token", teamsemu.DefaultRefreshToken, "scope", "Presence.Read.All offline_access"),
			JSON: map[string]any{"token_type": "Bearer", "refresh_token": teamsemu.DefaultRefreshToken, "access_token": c.Present()}, Capture: map[string]string{"dtok": "access_token"}},
		{Name: "§8.1 no token: Graph error", Method: "GET", Path: "/v1.0/users", Status: 401,
			JSON: map[string]any{"error.code": "InvalidAuthenticationToken", "error.message": c.Present(), "error.innerError.request-id": c.Present()}},
		{Name: "§8.2 users, $top page with @odata.nextLink", Method: "GET", Path: "/v1.0/users?$select=id,displayName,mail,userPrincipalName,accountEnabled&$top=1", Header: tok, Status: 200,
			JSON: map[string]any{"value.#": 1, "value.0.id": ana, "value.0.mail": "ana@example.com", "value.0.userPrincipalName": "ana@example.com", "value.0.accountEnabled": true},
			Raw:  c.Match(`"@odata\.nextLink":"{base}/v1\.0/users\?`)},
		{Name: "§8.2 users, last page: mail may be null", Method: "GET", Path: "/v1.0/users?$top=1&$skiptoken=X1", Header: tok, Status: 200,
			JSON: map[string]any{"value.0.id": bo, "value.0.mail": c.Null(), "value.0.userPrincipalName": "bo@example.onmicrosoft.com"}, Raw: c.Matcher(noNextLink)},
		{Name: "§8.2 users by UPN", Method: "GET", Path: "/v1.0/users?$filter=" + url.QueryEscape("userPrincipalName eq 'BO@example.onmicrosoft.com'"), Header: tok, Status: 200,
			JSON: map[string]any{"value.#": 1, "value.0.id": bo}},
		{Name: "§8.2 users by mail", Method: "GET", Path: "/v1.0/users?$filter=" + url.QueryEscape("mail eq 'ana@example.com'"), Header: tok, Status: 200,
			JSON: map[string]any{"value.#": 1, "value.0.id": ana}},
		{Name: "§8.2 $top over 999", Method: "GET", Path: "/v1.0/users?$top=1000", Header: tok, Status: 400, JSON: map[string]any{"error.code": "BadRequest", "error.message": c.Match(`^\$top`)}},
		{Name: "§8.2 a user by UPN", Method: "GET", Path: "/v1.0/users/ana@example.com", Header: tok, Status: 200, JSON: map[string]any{"id": ana, "displayName": "Ana Lima"}},
		{Name: "§8.2 unknown user", Method: "GET", Path: "/v1.0/users/nobody", Header: tok, Status: 404, JSON: map[string]any{"error.code": "Request_ResourceNotFound"}},
		{Name: "§8.3 read presence", Method: "GET", Path: presence, Header: tok, Status: 200,
			JSON: map[string]any{"id": ana, "availability": "Available", "activity": "Available", "statusMessage": c.Null()}},
		{Name: "§8.3 read presence, communications path", Method: "GET", Path: "/v1.0/communications/presences/" + bo, Header: tok, Status: 200,
			JSON: map[string]any{"id": bo, "availability": "Available"}},
		{Name: "§8.3 getPresencesByUserId", Method: "POST", Path: "/v1.0/communications/getPresencesByUserId", Header: tok, Status: 200,
			Body: `{"ids":["` + ana + `","` + bo + `"]}`, JSON: map[string]any{"value.#": 2, "value.0.id": ana, "value.1.id": bo, "value.1.activity": "Available"}},
		{Name: "§8.3 getPresencesByUserId: over 650 ids", Method: "POST", Path: "/v1.0/communications/getPresencesByUserId", Header: tok, Status: 400,
			Body: many, JSON: map[string]any{"error.code": "BadRequest", "error.message": c.Match("^ids: at most 650")}},
		{Name: "§8.4 setPresence Busy/InACall", Method: "POST", Path: set, Header: tok, Status: 200, Body: session("Busy", "InACall", "PT1H"), Raw: ""},
		{Name: "§8.4 the session's Busy beats the client's Available", Method: "GET", Path: presence, Header: tok, Status: 200,
			JSON: map[string]any{"availability": "Busy", "activity": "InACall"}},
		{Name: "§8.4 setPresence: a pair Graph does not allow", Method: "POST", Path: set, Header: tok, Status: 400, Body: session("Busy", "Busy", "PT1H"),
			JSON: map[string]any{"error.code": "BadRequest", "error.message": c.Match("^availability:")}},
		{Name: "§8.4 setPresence: sessionId must be the app id", Method: "POST", Path: set, Header: tok, Status: 400,
			Body: `{"sessionId":"another-app","availability":"Away","activity":"Away"}`, JSON: map[string]any{"error.message": c.Match("^sessionId:")}},
		{Name: "§8.4 setPresence: expirationDuration over PT4H", Method: "POST", Path: set, Header: tok, Status: 400, Body: session("Away", "Away", "PT4H1M"),
			JSON: map[string]any{"error.message": c.Match("^expirationDuration:")}},
		{Name: "§8.4 setPresence: expirationDuration under PT5M", Method: "POST", Path: set, Header: tok, Status: 400, Body: session("Away", "Away", "PT4M"),
			JSON: map[string]any{"error.message": c.Match("^expirationDuration:")}},
		{Name: "§8.4 setUserPreferredPresence", Method: "POST", Path: presence + "/setUserPreferredPresence", Header: tok, Status: 200,
			Body: `{"availability":"DoNotDisturb","activity":"DoNotDisturb","expirationDuration":"PT8H"}`, Raw: ""},
		{Name: "§8.4 preferred beats sessions", Method: "GET", Path: presence, Header: tok, Status: 200, JSON: map[string]any{"availability": "DoNotDisturb", "activity": "DoNotDisturb"}},
		{Name: "§8.4 setUserPreferredPresence: a pair Graph does not allow", Method: "POST", Path: presence + "/setUserPreferredPresence", Header: tok, Status: 400,
			Body: `{"availability":"Busy","activity":"InACall"}`, JSON: map[string]any{"error.message": c.Match("^availability:")}},
		{Name: "§8.4 clearUserPreferredPresence", Method: "POST", Path: presence + "/clearUserPreferredPresence", Header: tok, Status: 200, Body: `{}`, Raw: ""},
		{Name: "§8.4 the session shows again", Method: "GET", Path: presence, Header: tok, Status: 200, JSON: map[string]any{"availability": "Busy", "activity": "InACall"}},
		{Name: "§8.4 clearPresence", Method: "POST", Path: presence + "/clearPresence", Header: tok, Status: 200, Body: `{"sessionId":"` + teamsemu.DefaultClientID + `"}`, Raw: ""},
		{Name: "§8.4 the client's Available again", Method: "GET", Path: presence, Header: tok, Status: 200, JSON: map[string]any{"availability": "Available", "activity": "Available"}},
		{Name: "§8.5 presence subscription with an application token", Method: "POST", Path: "/v1.0/subscriptions", Header: tok, Status: 403,
			Body: sub("2026-01-05T09:59:00Z"), JSON: map[string]any{"error.code": c.Present(), "error.message": c.Match("delegated")}},
		{Name: "§8.5 subscription: validated, created", Method: "POST", Path: "/v1.0/subscriptions", Header: dtok, Status: 201, Body: sub("2026-01-05T09:59:00Z"),
			JSON:    map[string]any{"id": c.Present(), "resource": resource, "changeType": "updated", "clientState": "s3cret", "expirationDateTime": c.Match("^2026-01-05T09:59:00")},
			Capture: map[string]string{"sub": "id"}},
		{Name: "§8.5 subscription: over an hour", Method: "POST", Path: "/v1.0/subscriptions", Header: dtok, Status: 400, Body: sub("2026-01-05T10:01:00Z"),
			JSON: map[string]any{"error.message": c.Match("^expirationDateTime:")}},
		{Name: "§8.5 subscription: over 650 ids", Method: "POST", Path: "/v1.0/subscriptions", Header: dtok, Status: 400,
			Body: `{"changeType":"updated","notificationUrl":"{hook}","resource":"` + manyRes + `","expirationDateTime":"2026-01-05T09:30:00Z"}`,
			JSON: map[string]any{"error.message": c.Match("^resource: at most 650")}},
		{Name: "§8.5 subscription: resource data needs a certificate", Method: "POST", Path: "/v1.0/subscriptions", Header: dtok, Status: 400,
			Body: `{"changeType":"updated","notificationUrl":"{hook}","resource":"/communications/presences/` + ana + `","expirationDateTime":"2026-01-05T09:30:00Z","includeResourceData":true}`,
			JSON: map[string]any{"error.message": c.Match("^encryptionCertificate:")}},
		{Name: "§8.5 renew: PATCH expirationDateTime", Method: "PATCH", Path: "/v1.0/subscriptions/{sub}", Header: dtok, Status: 200,
			Body: `{"expirationDateTime":"2026-01-05T10:00:00Z"}`, JSON: map[string]any{"id": "{sub}", "expirationDateTime": c.Match("^2026-01-05T10:00:00")}},
		{Name: "§8.5 list subscriptions", Method: "GET", Path: "/v1.0/subscriptions", Header: dtok, Status: 200, JSON: map[string]any{"value.#": 1, "value.0.id": "{sub}"}},
		{Name: "§8.5 delete", Method: "DELETE", Path: "/v1.0/subscriptions/{sub}", Header: dtok, Status: 204, Raw: ""},
		{Name: "§8.5 deleted", Method: "GET", Path: "/v1.0/subscriptions/{sub}", Header: dtok, Status: 404, JSON: map[string]any{"error.code": "ResourceNotFound"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client(), Vars: map[string]string{"hook": h.URL}}, rows)
}

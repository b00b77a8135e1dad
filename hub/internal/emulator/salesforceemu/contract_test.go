package salesforceemu_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/salesforceemu"
)

// TestContract sends the requests of the vendor reference's section 3 (Salesforce Omni-Channel) and
// checks the documented answers.
func TestContract(t *testing.T) {
	em := salesforceemu.New(salesforceemu.Options{})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	ana := em.AddUser("ana@example.com", "Ana Lima")
	for i := range 200 {
		em.AddUser(fmt.Sprintf("bulk%03d@example.com", i), "Bulk Agent")
	}
	org, runAs := em.RunAs()
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	creds := url.Values{"client_id": {salesforceemu.DefaultClientID}, "client_secret": {salesforceemu.DefaultClientSecret}}
	grant := func(g string, extra ...string) string {
		v := url.Values{"grant_type": {g}}
		for k, vs := range creds {
			v[k] = vs
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v.Encode()
	}
	bearer := http.Header{"Authorization": {"Bearer {token}"}}
	jsonBearer := c.With(bearer, "Content-Type", "application/json")
	q := func(soql string) string { return "/services/data/v60.0/query?q=" + url.QueryEscape(soql) }
	rows := []c.Row{
		{Name: "§3.1 client credentials token", Method: "POST", Path: "/services/oauth2/token", Body: grant("client_credentials"), Header: form, Status: 200,
			JSON: map[string]any{"access_token": c.Match(`^00D\w{12}!AR\w+$`), "instance_url": "{base}", "token_type": "Bearer",
				"id": "{base}/id/" + org + "/" + runAs, "issued_at": c.Match(`^\d{13}$`), "signature": c.Present(), "expires_in": c.Null()},
			Capture: map[string]string{"token": "access_token"}},
		{Name: "§3.1 password flow blocked", Method: "POST", Path: "/services/oauth2/token", Body: grant("password", "username", "u@x", "password", "p"), Header: form, Status: 400,
			JSON: map[string]any{"error": "invalid_grant", "error_description": "authentication failure"}},
		{Name: "§3.1 unknown client", Method: "POST", Path: "/services/oauth2/token", Body: "grant_type=client_credentials&client_id=x&client_secret=y", Header: form, Status: 400,
			JSON: map[string]any{"error": "invalid_client_id"}},
		{Name: "§3.1 invalid session", Method: "GET", Path: q("SELECT Id FROM User"), Header: c.Auth("Bearer nope"), Status: 401,
			JSON: map[string]any{"0.errorCode": "INVALID_SESSION_ID", "0.message": "Session expired or invalid"}},
		{Name: "§3.1 identity URL on the emulator's host", Method: "GET", Path: "/id/" + org + "/" + runAs, Header: bearer, Status: 200,
			JSON: map[string]any{"id": "{base}/id/" + org + "/" + runAs, "user_id": runAs, "organization_id": org,
				"username": salesforceemu.IntegrationUsername, "active": true, "urls.rest": "{base}/services/data/v{version}/"}},
		{Name: "§3.1 identity URL needs the session", Method: "GET", Path: "/id/" + org + "/" + runAs, Header: c.Auth("Bearer nope"), Status: 403,
			Raw: "Bad_OAuth_Token"},
		{Name: "§3.1 the run-as user is in User", Method: "GET", Path: "/services/data/v60.0/sobjects/User/" + runAs, Header: bearer, Status: 200,
			JSON: map[string]any{"Id": runAs, "Username": salesforceemu.IntegrationUsername, "IsActive": true, "attributes.type": "User"}},
		{Name: "versions", Method: "GET", Path: "/services/data", Status: 200,
			JSON: map[string]any{"0.version": "60.0", "0.url": "/services/data/v60.0"}},
		{Name: "resources of a version", Method: "GET", Path: "/services/data/v60.0", Header: bearer, Status: 200,
			JSON: map[string]any{"sobjects": "/services/data/v60.0/sobjects", "query": "/services/data/v60.0/query",
				"identity": "{base}/id/" + org + "/" + runAs},
			Headers: map[string]any{"Sforce-Limit-Info": c.Match(`^api-usage=\d+/100000$`)}},
		{Name: "§3.2 users by SOQL", Method: "GET", Path: q("SELECT Id, Username, Email, Name, IsActive FROM User WHERE IsActive = true"), Header: bearer, Status: 200,
			JSON: map[string]any{"totalSize": 202, "done": true, "records.0.attributes.type": "User",
				"records.0.attributes.url": "/services/data/v60.0/sobjects/User/" + runAs, "records.1.Id": ana, "records.1.Email": "ana@example.com"},
			Headers: map[string]any{"Sforce-Limit-Info": c.Match(`^api-usage=\d+/100000$`)}},
		{Name: "§3.2 batchSize and nextRecordsUrl", Method: "GET", Path: q("SELECT Id FROM User"), Header: c.With(bearer, "Sforce-Query-Options", "batchSize=200"), Status: 200,
			JSON:    map[string]any{"totalSize": 202, "done": false, "records.#": 200, "nextRecordsUrl": c.Match(`^/services/data/v60\.0/query/01g\w+-200$`)},
			Capture: map[string]string{"next": "nextRecordsUrl"}},
		{Name: "§3.2 last batch", Method: "GET", Path: "{next}", Header: bearer, Status: 200,
			JSON: map[string]any{"totalSize": 202, "done": true, "records.#": 2, "nextRecordsUrl": c.Null()}},
		{Name: "§3.3 current presence", Method: "GET", Path: q("SELECT Id, UserId, ServicePresenceStatusId, ServicePresenceStatus.DeveloperName, " +
			"ServicePresenceStatus.MasterLabel, IsAway, IsCurrentState, StatusStartDate FROM UserServicePresence WHERE IsCurrentState = true AND UserId = '" + ana + "'"),
			Header: bearer, Status: 200,
			JSON: map[string]any{"totalSize": 1, "records.0.UserId": ana, "records.0.ServicePresenceStatus.DeveloperName": "Busy",
				"records.0.IsAway": true, "records.0.IsCurrentState": true, "records.0.Id": c.Match(`^0Hn\w{15}$`)},
			Capture: map[string]string{"usp": "records.0.Id"}},
		{Name: "§3.3 retrieve UserServicePresence", Method: "GET", Path: "/services/data/v60.0/sobjects/UserServicePresence/{usp}", Header: bearer, Status: 200,
			JSON: map[string]any{"attributes.type": "UserServicePresence", "Id": "{usp}", "UserId": ana, "IsCurrentState": true,
				"StatusEndDate": c.Null(), "ServicePresenceStatusId": c.Match(`^0N5`)}},
		{Name: "§3.3 retrieve named fields", Method: "GET", Path: "/services/data/v60.0/sobjects/UserServicePresence/{usp}?fields=UserId,IsAway", Header: bearer, Status: 200,
			JSON: map[string]any{"#": 3, "UserId": ana, "IsAway": true}},
		{Name: "§3.3 retrieve unknown id", Method: "GET", Path: "/services/data/v60.0/sobjects/UserServicePresence/0Hn000000000999AAA", Header: bearer, Status: 404,
			JSON: map[string]any{"0.errorCode": "NOT_FOUND"}},
		{Name: "§3.4 no update of UserServicePresence", Method: "PATCH", Path: "/services/data/v60.0/sobjects/UserServicePresence/{usp}",
			Body: `{"ServicePresenceStatusId":"x"}`, Header: jsonBearer, Status: 400, JSON: map[string]any{"0.errorCode": "INVALID_TYPE_FOR_OPERATION"}},
		{Name: "§3.4 no create of UserServicePresence", Method: "POST", Path: "/services/data/v60.0/sobjects/UserServicePresence",
			Body: `{"UserId":"` + ana + `"}`, Header: jsonBearer, Status: 400, JSON: map[string]any{"0.errorCode": "INVALID_TYPE_FOR_OPERATION"}},
		{Name: "describe UserServicePresence", Method: "GET", Path: "/services/data/v60.0/sobjects/UserServicePresence/describe", Header: bearer, Status: 200,
			JSON: map[string]any{"name": "UserServicePresence", "keyPrefix": "0Hn", "createable": false, "updateable": false,
				"queryable": true, "retrieveable": true, "fields.2.name": "UserId", "fields.2.type": "reference", "fields.2.referenceTo.0": "User"}},
		{Name: "describe global", Method: "GET", Path: "/services/data/v60.0/sobjects", Header: bearer, Status: 200,
			JSON: map[string]any{"encoding": "UTF-8", "sobjects.#": 4, "sobjects.0.name": "User", "sobjects.1.urls.describe": "/services/data/v60.0/sobjects/ServicePresenceStatus/describe"}},
		{Name: "sobject basic info", Method: "GET", Path: "/services/data/v60.0/sobjects/ServicePresenceStatus", Header: bearer, Status: 200,
			JSON: map[string]any{"objectDescribe.name": "ServicePresenceStatus", "objectDescribe.keyPrefix": "0N5", "recentItems.#": 0}},
		{Name: "publish Presence_Change__e", Method: "POST", Path: "/services/data/v60.0/sobjects/Presence_Change__e",
			Body: `{"UserId__c":"` + ana + `","StatusApiName__c":"Available"}`, Header: jsonBearer, Status: 201,
			JSON: map[string]any{"success": true, "id": c.Match(`^e00`), "errors.#": 0}},
		{Name: "unknown sobject", Method: "GET", Path: "/services/data/v60.0/sobjects/Nope__c/describe", Header: bearer, Status: 404,
			JSON: map[string]any{"0.errorCode": "NOT_FOUND"}},
		{Name: "method not allowed", Method: "POST", Path: q("SELECT Id FROM User"), Header: bearer, Status: 405,
			JSON: map[string]any{"0.errorCode": "METHOD_NOT_ALLOWED"}, Headers: map[string]any{"Allow": "GET"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractLimits checks §3.6: the allocation in Sforce-Limit-Info, then 403 REQUEST_LIMIT_EXCEEDED.
func TestContractLimits(t *testing.T) {
	em := salesforceemu.New(salesforceemu.Options{Allocation: 1})
	t.Cleanup(em.Close)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	bearer := http.Header{"Authorization": {"Bearer {token}"}}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "token", Method: "POST", Path: "/services/oauth2/token", Header: form, Status: 200,
			Body:    "grant_type=client_credentials&client_id=" + salesforceemu.DefaultClientID + "&client_secret=" + salesforceemu.DefaultClientSecret,
			Capture: map[string]string{"token": "access_token"}, JSON: map[string]any{"token_type": "Bearer"}},
		{Name: "§3.6 usage header", Method: "GET", Path: "/services/data/v60.0/limits", Header: bearer, Status: 200,
			Headers: map[string]any{"Sforce-Limit-Info": "api-usage=1/1"}, JSON: map[string]any{"DailyApiRequests.Max": 1}},
		{Name: "§3.6 allocation spent", Method: "GET", Path: "/services/data/v60.0/limits", Header: bearer, Status: 403,
			JSON: map[string]any{"0.errorCode": "REQUEST_LIMIT_EXCEEDED"}},
	})
}

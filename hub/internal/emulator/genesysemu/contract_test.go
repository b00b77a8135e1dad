package genesysemu_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/genesysemu"
)

func serve(t *testing.T, opts genesysemu.Options) (*genesysemu.Emulator, *httptest.Server) {
	t.Helper()
	em := genesysemu.New(opts)
	srv := httptest.NewServer(em)
	t.Cleanup(func() { srv.Close(); em.Close() })
	return em, srv
}

var basic = c.With(c.Auth("Basic "+base64.StdEncoding.EncodeToString([]byte(genesysemu.DefaultClientID+":"+genesysemu.DefaultClientSecret))),
	"Content-Type", "application/x-www-form-urlencoded")

// TestContract sends the requests of the vendor reference's section 7 (Genesys Cloud) and checks the
// documented answers.
func TestContract(t *testing.T) {
	em, srv := serve(t, genesysemu.Options{})
	ana := em.AddUser("ana@example.com", "Ana Lima")
	em.AddUser("bo@example.com", "Bo Berg")
	tok := c.Auth("Bearer {tok}")
	jsonTok := c.With(tok, "Content-Type", "application/json")
	avail, onQueue, lunch := genesysemu.System[0].ID, genesysemu.System[7].ID, genesysemu.Lunch.ID
	pres := "/api/v2/users/" + ana + "/presences/purecloud"
	subs := "/api/v2/notifications/channels/{ch}/subscriptions"
	rows := []c.Row{
		{Name: "§7.1 client credentials", Method: "POST", Path: "/oauth/token", Header: basic, Body: "grant_type=client_credentials", Status: 200,
			JSON:    map[string]any{"token_type": "bearer", "expires_in": 86399, "access_token": c.Present(), "refresh_token": c.Null()},
			Capture: map[string]string{"tok": "access_token"}},
		{Name: "§7.1 wrong client", Method: "POST", Path: "/oauth/token", Header: c.With(c.Auth("Basic eDp5"), "Content-Type", "application/x-www-form-urlencoded"),
			Body: "grant_type=client_credentials", Status: 401, JSON: map[string]any{"error": "invalid_client"}},
		{Name: "§7.1 other grants", Method: "POST", Path: "/oauth/token", Header: basic, Body: "grant_type=password", Status: 400,
			JSON: map[string]any{"error": "unsupported_grant_type"}},
		{Name: "§7.1 no token: Genesys error body", Method: "GET", Path: "/api/v2/users", Status: 401,
			JSON: map[string]any{"code": "authentication.required", "status": 401, "message": c.Present(), "contextId": c.Present()}},
		{Name: "§7.1 unknown token", Method: "GET", Path: "/api/v2/users", Header: c.Auth("Bearer nope"), Status: 401, JSON: map[string]any{"code": "bad.credentials"}},
		{Name: "§7.2 users page 1 with presence and routing status", Method: "GET", Path: "/api/v2/users?pageSize=1&pageNumber=1&state=active&expand=presence,routingStatus",
			Header: tok, Status: 200, JSON: map[string]any{"entities.0.id": ana, "entities.0.email": "ana@example.com", "entities.0.state": "active",
				"entities.0.presence.presenceDefinition.systemPresence": "Available", "entities.0.routingStatus.status": "OFF_QUEUE",
				"pageSize": 1, "pageNumber": 1, "total": 2, "pageCount": 2, "nextUri": "/api/v2/users?pageSize=1&pageNumber=2", "selfUri": c.Present()},
			Headers: map[string]any{"inin-ratelimit-allowed": "300", "inin-ratelimit-count": c.Match(`^\d+$`), "inin-ratelimit-reset": c.Match(`^\d+$`)}},
		{Name: "§7.2 users last page: no nextUri", Method: "GET", Path: "/api/v2/users?pageSize=1&pageNumber=2", Header: tok, Status: 200,
			JSON: map[string]any{"entities.0.email": "bo@example.com", "entities.0.presence": c.Null(), "nextUri": c.Null(), "previousUri": c.Present()}},
		{Name: "§7.2 bad pageSize names the field", Method: "GET", Path: "/api/v2/users?pageSize=0", Header: tok, Status: 400,
			JSON: map[string]any{"code": "bad.request", "messageParams.field": "pageSize"}},
		{Name: "§7.2 email search", Method: "POST", Path: "/api/v2/users/search", Header: jsonTok, Status: 200,
			Body: `{"query":[{"type":"EXACT","fields":["email"],"value":"ANA@example.com"}]}`, JSON: map[string]any{"total": 1, "results.0.id": ana}},
		{Name: "§7.2 search without query", Method: "POST", Path: "/api/v2/users/search", Header: jsonTok, Status: 400, Body: `{}`,
			JSON: map[string]any{"messageParams.field": "query"}},
		{Name: "§7.3 legacy definitions, paged, active only", Method: "GET", Path: "/api/v2/presencedefinitions?pageSize=100&pageNumber=1", Header: tok, Status: 200,
			JSON: map[string]any{"entities.#": 12, "entities.0.systemPresence": "Available", "entities.0.primary": true, "entities.7.systemPresence": "On Queue",
				"entities.10.languageLabels.en_US": "Lunch", "entities.10.primary": false, "entities.10.systemPresence": "Meal", "pageCount": 1, "nextUri": c.Null()}},
		{Name: "§7.3 new definitions list: deactivated ones too", Method: "GET", Path: "/api/v2/presence/definitions", Header: tok, Status: 200,
			JSON: map[string]any{"total": 13, "entities.12.deactivated": true}},
		{Name: "§7.3 read presence", Method: "GET", Path: pres, Header: tok, Status: 200,
			JSON: map[string]any{"source": "PURECLOUD", "primary": true, "presenceDefinition.id": avail, "presenceDefinition.systemPresence": "Available",
				"message": "", "modifiedDate": c.Match(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)}},
		{Name: "§7.4 set presence by definition id", Method: "PATCH", Path: pres, Header: jsonTok, Status: 200, Body: `{"presenceDefinition":{"id":"` + lunch + `"}}`,
			JSON: map[string]any{"presenceDefinition.id": lunch, "presenceDefinition.systemPresence": "Meal"}},
		{Name: "§7.4 unknown definition names the field", Method: "PATCH", Path: pres, Header: jsonTok, Status: 400, Body: `{"presenceDefinition":{"id":"nope"}}`,
			JSON: map[string]any{"code": "bad.request", "messageParams.field": "presenceDefinition.id"}},
		{Name: "§7.4 deactivated definition refused", Method: "PATCH", Path: pres, Header: jsonTok, Status: 400,
			Body: `{"presenceDefinition":{"id":"` + genesysemu.Retired.ID + `"}}`, JSON: map[string]any{"messageParams.field": "presenceDefinition.id"}},
		{Name: "§7.4 message only", Method: "PATCH", Path: pres, Header: jsonTok, Status: 200, Body: `{"message":"back at 2"}`,
			JSON: map[string]any{"message": "back at 2", "presenceDefinition.id": lunch}},
		{Name: "§7.4 unknown user", Method: "PATCH", Path: "/api/v2/users/nope/presences/purecloud", Header: jsonTok, Status: 404,
			Body: `{"presenceDefinition":{"id":"` + avail + `"}}`, JSON: map[string]any{"code": "not.found"}},
		{Name: "§7.3 routing status off queue", Method: "GET", Path: "/api/v2/users/" + ana + "/routingstatus", Header: tok, Status: 200,
			JSON: map[string]any{"userId": ana, "status": "OFF_QUEUE", "startTime": c.Present()}},
		{Name: "§7.3 going On Queue makes routing IDLE", Method: "PATCH", Path: pres, Header: jsonTok, Status: 200, Body: `{"presenceDefinition":{"id":"` + onQueue + `"}}`,
			JSON: map[string]any{"presenceDefinition.systemPresence": "On Queue"}},
		{Name: "§7.3 routing status idle", Method: "GET", Path: "/api/v2/users/" + ana + "/routingstatus", Header: tok, Status: 200, JSON: map[string]any{"status": "IDLE"}},
		{Name: "§7.3 routing status is not set through the API here", Method: "PUT", Path: "/api/v2/users/" + ana + "/routingstatus", Header: jsonTok, Status: 405,
			Body: `{"status":"IDLE"}`, JSON: map[string]any{"code": "method.not.allowed"}, Headers: map[string]any{"Allow": "GET"}},
		{Name: "§7.5 create channel", Method: "POST", Path: "/api/v2/notifications/channels", Header: jsonTok, Status: 200,
			JSON:    map[string]any{"id": c.Match(`^streaming-0-`), "connectUri": c.Match(`^ws://.*/channels/streaming-0-`), "expires": c.Present()},
			Capture: map[string]string{"ch": "id"}},
		{Name: "§7.5 subscribe", Method: "POST", Path: subs, Header: jsonTok, Status: 200,
			Body: `[{"id":"v2.users.` + ana + `.presence"},{"id":"v2.users.` + ana + `.routingStatus"}]`,
			JSON: map[string]any{"entities.#": 2, "entities.0.id": "v2.users." + ana + ".presence"}},
		{Name: "§7.5 add is idempotent", Method: "POST", Path: subs, Header: jsonTok, Status: 200,
			Body: `[{"id":"v2.users.` + ana + `.presence"}]`, JSON: map[string]any{"entities.#": 2}},
		{Name: "§7.5 unknown topic names the item", Method: "POST", Path: subs, Header: jsonTok, Status: 400,
			Body: `[{"id":"v2.users.` + ana + `.presence"},{"id":"v2.queues.x.members"}]`, JSON: map[string]any{"messageParams.field": "[1].id"}},
		{Name: "§7.5 list subscriptions", Method: "GET", Path: subs, Header: tok, Status: 200, JSON: map[string]any{"entities.#": 2}},
		{Name: "§7.5 replace subscriptions", Method: "PUT", Path: subs, Header: jsonTok, Status: 200,
			Body: `[{"id":"v2.users.` + ana + `?presence&routingStatus"}]`, JSON: map[string]any{"entities.#": 1}},
		{Name: "§7.5 clear subscriptions", Method: "DELETE", Path: subs, Header: tok, Status: 200, JSON: map[string]any{"entities.#": 0}},
		{Name: "§7.5 unknown channel", Method: "GET", Path: "/api/v2/notifications/channels/streaming-0-nope/subscriptions", Header: tok, Status: 404,
			JSON: map[string]any{"code": "not.found"}},
		{Name: "unknown path", Method: "GET", Path: "/api/v2/nothing", Header: tok, Status: 404, JSON: map[string]any{"code": "not.found"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractLimits checks §7.5's 1,000 topics per channel and §7.6's 429 with Retry-After.
func TestContractLimits(t *testing.T) {
	em, srv := serve(t, genesysemu.Options{RatePerMinute: 4})
	ana := em.AddUser("ana@example.com", "Ana Lima")
	tok := c.With(c.Auth("Bearer {tok}"), "Content-Type", "application/json")
	many := "["
	for i := range genesysemu.MaxTopics + 1 {
		if i > 0 {
			many += ","
		}
		many += `{"id":"v2.users.` + ana[:len(ana)-4] + itoa4(i) + `.presence"}`
	}
	many += "]"
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "token", Method: "POST", Path: "/oauth/token", Header: basic, Body: "grant_type=client_credentials", Status: http.StatusOK,
			JSON: map[string]any{"token_type": "bearer"}, Capture: map[string]string{"tok": "access_token"}},
		{Name: "channel", Method: "POST", Path: "/api/v2/notifications/channels", Header: tok, Status: 200,
			JSON: map[string]any{"id": c.Present()}, Capture: map[string]string{"ch": "id"}},
		{Name: "§7.5 more than 1,000 topics", Method: "PUT", Path: "/api/v2/notifications/channels/{ch}/subscriptions", Header: tok, Status: 400,
			Body: many, JSON: map[string]any{"code": "bad.request", "message": c.Match(`at most 1000 topics`)}},
		{Name: "within the budget", Method: "GET", Path: "/api/v2/users", Header: tok, Status: http.StatusOK,
			JSON: map[string]any{"total": 1}, Headers: map[string]any{"inin-ratelimit-allowed": "4", "inin-ratelimit-count": "3"}},
		{Name: "last of the budget", Method: "GET", Path: "/api/v2/users", Header: tok, Status: http.StatusOK, JSON: map[string]any{"total": 1},
			Headers: map[string]any{"inin-ratelimit-count": "4"}},
		{Name: "§7.6 over the budget", Method: "GET", Path: "/api/v2/users", Header: tok, Status: http.StatusTooManyRequests,
			JSON: map[string]any{"code": "too.many.requests", "status": 429}, Headers: map[string]any{"Retry-After": c.Match(`^[1-9]\d*$`)}},
	})
}

func itoa4(i int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[i>>12&15], digits[i>>8&15], digits[i>>4&15], digits[i&15]})
}

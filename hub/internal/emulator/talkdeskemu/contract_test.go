package talkdeskemu_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	c "presencehub.dev/hub/internal/emulator/contract"
	"presencehub.dev/hub/internal/emulator/talkdeskemu"
)

// TestContract sends the requests of the vendor reference's section 5 (Talkdesk) and checks the
// documented answers.
func TestContract(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{})
	ana := em.AddUser("ana@example.com", "Ana Lima")
	em.AddUser("bo@example.com", "Bo Berg")
	client := c.With(c.Auth("Basic "+base64.StdEncoding.EncodeToString([]byte(talkdeskemu.DefaultClientID+":"+talkdeskemu.DefaultClientSecret))),
		"Content-Type", "application/x-www-form-urlencoded")
	all := "users:read presence-user:read presence-status:write presence-occupancy:write"
	tok := c.Auth("Bearer {tok}")
	ro := c.Auth("Bearer {ro}")
	jsonTok := c.With(tok, "Content-Type", "application/json")
	patchTok := c.With(tok, "Content-Type", "application/json-patch+json")
	occ := "/users/" + ana + "/presence/occupancy"
	rows := []c.Row{
		{Name: "§5.1 client credentials", Method: "POST", Path: "/oauth/token", Header: client, Status: 200,
			Body: url.Values{"grant_type": {"client_credentials"}, "scope": {all}}.Encode(),
			JSON: map[string]any{"token_type": "Bearer", "expires_in": 3600, "scope": all, "access_token": c.Present()}, Capture: map[string]string{"tok": "access_token"}},
		{Name: "§5.1 a narrower scope", Method: "POST", Path: "/oauth/token", Header: client, Status: 200,
			Body: "grant_type=client_credentials&scope=users:read", JSON: map[string]any{"scope": "users:read"}, Capture: map[string]string{"ro": "access_token"}},
		{Name: "§5.1 wrong client", Method: "POST", Path: "/oauth/token", Header: c.With(c.Auth("Basic eDp5"), "Content-Type", "application/x-www-form-urlencoded"),
			Body: "grant_type=client_credentials", Status: 401, JSON: map[string]any{"error": "invalid_client", "error_description": c.Present()}},
		{Name: "§5.1 no token", Method: "GET", Path: "/users", Status: 401, JSON: map[string]any{"code": "1000401", "message": "Unauthorized", "description": c.Present()}},
		{Name: "§5.2 users, HAL page", Method: "GET", Path: "/users?page=1&per_page=1", Header: tok, Status: 200,
			JSON: map[string]any{"count": 1, "total": 2, "page": 1, "per_page": 1, "total_pages": 2, "_embedded.users.0.id": ana,
				"_embedded.users.0.email": "ana@example.com", "_embedded.users.0.active": true,
				"_embedded.users.0._links.self.href": "{base}/users/" + ana, "_links.next.href": c.Match(`^{base}/users\?page=2`),
				"_links.show.templated": true}},
		{Name: "§5.2 users, last page: no next", Method: "GET", Path: "/users?page=2&per_page=1", Header: tok, Status: 200,
			JSON: map[string]any{"_embedded.users.0.email": "bo@example.com", "_links.next": c.Null(), "_links.first.href": c.Present()}},
		{Name: "§5.2 one user", Method: "GET", Path: "/users/" + ana, Header: tok, Status: 200,
			JSON: map[string]any{"id": ana, "email": "ana@example.com", "name": "Ana Lima"}},
		{Name: "§5.2 unknown user", Method: "GET", Path: "/users/nope", Header: tok, Status: 404, JSON: map[string]any{"code": c.Present(), "message": c.Present()}},
		{Name: "§5.3 read presence", Method: "GET", Path: "/users/" + ana + "/presence", Header: tok, Status: 200,
			JSON: map[string]any{"status": "available", "occupancy": 0, "channels.0.name": "voice", "interactions.#": 0,
				"custom_status": c.Null(), "_links.self.href": "{base}/users/" + ana + "/presence", "updated_at": c.Present()}},
		{Name: "§5.3 read presence needs presence-user:read", Method: "GET", Path: "/users/" + ana + "/presence", Header: ro, Status: 403,
			JSON: map[string]any{"code": "1000403"}},
		{Name: "§5.3 set status away with a custom status", Method: "PUT", Path: "/users/" + ana + "/presence/status", Header: jsonTok, Status: 200,
			Body: `{"status":"away","custom_status_id":"` + talkdeskemu.Lunch.ID + `"}`,
			JSON: map[string]any{"status": "away", "custom_status": "Lunch", "custom_status_id": talkdeskemu.Lunch.ID}},
		{Name: "§5.3 set status: bad status names the field", Method: "PUT", Path: "/users/" + ana + "/presence/status", Header: jsonTok, Status: 400,
			Body: `{"status":"hidden"}`, JSON: map[string]any{"fields.0.name": "status"}},
		{Name: "§5.3 set status: JSON only", Method: "PUT", Path: "/users/" + ana + "/presence/status", Header: c.With(tok, "Content-Type", "text/plain"), Status: 415,
			Body: `status=away`, JSON: map[string]any{"code": "1000415"}},
		{Name: "§5.3 occupancy: the documented add-then-remove", Method: "PATCH", Path: occ, Header: patchTok, Status: 200,
			Body: `[{"op":"add","path":"interactions/-","value":[{"id":"busy_elsewhere","channel_name":"custom_busy","cost":100}]},{"op":"remove","path":"/interactions/0"}]`,
			JSON: map[string]any{"occupancy": 0, "interactions.#": 0}},
		{Name: "§5.3 occupancy: mark busy elsewhere", Method: "PATCH", Path: occ, Header: patchTok, Status: 200,
			Body: `[{"op":"add","path":"interactions/-","value":[{"id":"busy_elsewhere","channel_name":"custom_busy","cost":100}]}]`,
			JSON: map[string]any{"occupancy": 100, "interactions.0.id": "busy_elsewhere", "interactions.0.cost": 100, "channels.1.name": "custom_busy",
				"channels.1.occupancy": 100}},
		{Name: "§5.3 occupancy shows in the presence", Method: "GET", Path: "/users/" + ana + "/presence", Header: tok, Status: 200,
			JSON: map[string]any{"occupancy": 100, "interactions.0.channel_name": "custom_busy"}},
		{Name: "§5.3 occupancy: the same interaction twice", Method: "PATCH", Path: occ, Header: patchTok, Status: 422,
			Body: `[{"op":"add","path":"/interactions/-","value":{"id":"busy_elsewhere","channel_name":"custom_busy","cost":100}}]`,
			JSON: map[string]any{"code": "1000422", "fields.0.name": "[0].value"}},
		{Name: "§5.3 occupancy: no such interaction", Method: "PATCH", Path: occ, Header: patchTok, Status: 422,
			Body: `[{"op":"remove","path":"/interactions/5"}]`, JSON: map[string]any{"fields.0.name": "[0].path"}},
		{Name: "§5.3 occupancy: unknown op names it", Method: "PATCH", Path: occ, Header: patchTok, Status: 400,
			Body: `[{"op":"replace","path":"/interactions/0","value":{}}]`, JSON: map[string]any{"code": "1000400", "fields.0.name": "[0].op"}},
		{Name: "§5.3 occupancy: JSON-Patch only", Method: "PATCH", Path: occ, Header: c.With(tok, "Content-Type", "text/plain"), Status: 415,
			Body: `[]`, JSON: map[string]any{"code": "1000415"}},
		{Name: "§5.3 occupancy needs presence-occupancy:write", Method: "PATCH", Path: occ, Header: c.With(ro, "Content-Type", "application/json-patch+json"), Status: 403,
			Body: `[{"op":"remove","path":"/interactions/0"}]`, JSON: map[string]any{"code": "1000403"}},
		{Name: "§5.3 occupancy: other methods", Method: "GET", Path: occ, Header: tok, Status: 405,
			JSON: map[string]any{"code": "1000405"}, Headers: map[string]any{"Allow": "PATCH"}},
		{Name: "§5.3 occupancy: free again", Method: "PATCH", Path: occ, Header: patchTok, Status: 200,
			Body: `[{"op":"remove","path":"/interactions/0"}]`, JSON: map[string]any{"occupancy": 0, "interactions.#": 0}},
		{Name: "unknown path", Method: "GET", Path: "/nothing", Header: tok, Status: 404, JSON: map[string]any{"code": "1000404"}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractRateLimit checks §5.5's generic 429 with Retry-After, after the budget's headers.
func TestContractRateLimit(t *testing.T) {
	em, srv := serve(t, talkdeskemu.Options{RatePerMinute: 1})
	em.AddUser("ana@example.com", "Ana Lima")
	client := c.With(c.Auth("Basic "+base64.StdEncoding.EncodeToString([]byte(talkdeskemu.DefaultClientID+":"+talkdeskemu.DefaultClientSecret))),
		"Content-Type", "application/x-www-form-urlencoded")
	tok := c.Auth("Bearer {tok}")
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "token", Method: "POST", Path: "/oauth/token", Header: client, Body: "grant_type=client_credentials", Status: http.StatusOK,
			JSON: map[string]any{"token_type": "Bearer"}, Capture: map[string]string{"tok": "access_token"}},
		{Name: "within the budget", Method: "GET", Path: "/users", Header: tok, Status: http.StatusOK,
			JSON: map[string]any{"total": 1}, Headers: map[string]any{"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0"}},
		{Name: "over the budget", Method: "GET", Path: "/users", Header: tok, Status: http.StatusTooManyRequests,
			JSON: map[string]any{"code": "1000429"}, Headers: map[string]any{"Retry-After": c.Match(`^[1-9]\d*$`)}},
	})
}

package aircallemu_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"presencehub.dev/hub/internal/emulator/aircallemu"
	c "presencehub.dev/hub/internal/emulator/contract"
)

func basicAuth() http.Header {
	return c.Auth("Basic " + base64.StdEncoding.EncodeToString([]byte(aircallemu.DefaultAPIID+":"+aircallemu.DefaultAPIToken)))
}

// TestContract sends the requests of the vendor reference's section 2 (Aircall) and checks the
// documented answers.
func TestContract(t *testing.T) {
	em, srv := serve(t, aircallemu.Options{})
	ana := em.AddUser("ana@example.com", "Ana Lima")
	em.AddUser("bo@example.com", "Bo Berg")
	auth := basicAuth()
	jsonAuth := c.With(auth, "Content-Type", "application/json")
	rows := []c.Row{
		{Name: "§2.1 no auth header", Method: "GET", Path: "/v1/users", Status: 401, JSON: map[string]any{"message": "Unauthorized"}},
		{Name: "§2.1 bad credentials", Method: "GET", Path: "/v1/users", Header: c.Auth("Basic eDp5"), Status: 403,
			JSON: map[string]any{"message": "Forbidden"}, Headers: map[string]any{"X-AircallApi-Limit": c.Null()}},
		{Name: "§2.1 ping", Method: "GET", Path: "/v1/ping", Header: auth, Status: 200, JSON: map[string]any{"ping": "pong"},
			Headers: map[string]any{"X-AircallApi-Limit": "120", "X-AircallApi-Remaining": c.Match(`^\d+$`), "X-AircallApi-Reset": c.Match(`^\d{10}$`)}},
		{Name: "§2.1 unknown path", Method: "GET", Path: "/v1/nothing", Header: auth, Status: 404, JSON: map[string]any{"message": "Not Found"}},
		{Name: "§2.2 users v1, first page", Method: "GET", Path: "/v1/users?page=1&per_page=1", Header: auth, Status: 200,
			JSON: map[string]any{"meta.count": 1, "meta.total": 2, "meta.current_page": 1, "meta.per_page": 1,
				"meta.next_page_link": "{base}/v1/users?page=2&per_page=1", "meta.previous_page_link": c.Null(),
				"users.0.id": ana, "users.0.email": "ana@example.com", "users.0.numbers.0.digits": "+1 212-555-0100"}},
		{Name: "§2.2 users v1, last page", Method: "GET", Path: "/v1/users?page=2&per_page=1", Header: auth, Status: 200,
			JSON: map[string]any{"meta.next_page_link": c.Null(), "meta.previous_page_link": "{base}/v1/users?page=1&per_page=1", "users.0.email": "bo@example.com"}},
		{Name: "§2.2 per_page at most 50", Method: "GET", Path: "/v1/users?per_page=100", Header: auth, Status: 200,
			JSON: map[string]any{"meta.per_page": 50, "meta.count": 2}},
		{Name: "§2.2 users v2 carry no numbers", Method: "GET", Path: "/v2/users", Header: auth, Status: 200,
			JSON: map[string]any{"users.#": 2, "users.0.id": ana, "users.0.numbers": c.Null(), "meta.per_page": 20}},
		{Name: "§2.2 a v2 user by email", Method: "GET", Path: "/v2/users/ana@example.com", Header: auth, Status: 200,
			JSON: map[string]any{"user.id": ana, "user.numbers": c.Null()}},
		{Name: "§2.2 a v2 user's numbers", Method: "GET", Path: "/v2/users/" + ana + "/numbers", Header: auth, Status: 200,
			JSON: map[string]any{"numbers.#": 1, "numbers.0.digits": "+1 212-555-0100", "numbers.0.name": "Support line",
				"numbers.0.direct_link": c.Match(`^{base}/v1/numbers/\d+$`), "meta.total": 1, "meta.next_page_link": c.Null()}},
		{Name: "§2.2 numbers by email", Method: "GET", Path: "/v2/users/bo@example.com/numbers", Header: auth, Status: 200,
			JSON: map[string]any{"numbers.0.country": "US"}},
		{Name: "§2.2 numbers of an unknown user", Method: "GET", Path: "/v2/users/999999/numbers", Header: auth, Status: 404,
			JSON: map[string]any{"error": "Not found"}},
		{Name: "§2.2 numbers are read-only", Method: "POST", Path: "/v2/users/" + ana + "/numbers", Header: auth, Status: 405,
			Headers: map[string]any{"Allow": "GET"}, JSON: map[string]any{"error": c.Present()}},
		{Name: "§2.2 a v1 user", Method: "GET", Path: "/v1/users/" + ana, Header: auth, Status: 200,
			JSON: map[string]any{"user.id": ana, "user.direct_link": "{base}/v1/users/" + ana, "user.available": true,
				"user.availability_status": "available", "user.substatus": c.Present(), "user.wrap_up_time": 0, "user.time_zone": c.Present()}},
		{Name: "§2.3 availabilities", Method: "GET", Path: "/v1/users/availabilities", Header: auth, Status: 200,
			JSON: map[string]any{"users.0.id": ana, "users.0.availability": "available", "meta.total": 2}},
		{Name: "§2.4 set unavailable", Method: "PUT", Path: "/v1/users/" + ana, Header: jsonAuth, Body: `{"availability_status":"unavailable"}`, Status: 200,
			JSON: map[string]any{"user.availability_status": "unavailable", "user.available": false}},
		{Name: "§2.3 a user's availability", Method: "GET", Path: "/v1/users/" + ana + "/availability", Header: auth, Status: 200,
			JSON: map[string]any{"availability": "do_not_disturb"}},
		{Name: "§2.4 only three settable values", Method: "PUT", Path: "/v1/users/" + ana, Header: jsonAuth, Body: `{"availability_status":"in_call"}`, Status: 400,
			JSON: map[string]any{"error": "Bad Request", "troubleshoot": c.Match("availability_status")}},
		{Name: "§2.5 create a webhook: no events is all events", Method: "POST", Path: "/v1/webhooks", Header: jsonAuth, Status: 201,
			Body: `{"custom_name":"hub","url":"https://hub.example/hooks/aircall"}`,
			JSON: map[string]any{"webhook.webhook_id": c.Present(), "webhook.token": c.Present(), "webhook.active": true,
				"webhook.url": "https://hub.example/hooks/aircall", "webhook.events": c.Match(`user\.opened`)}},
	}
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, rows)
}

// TestContractRateLimit checks §2.6: 429 with the documented body and Retry-After.
func TestContractRateLimit(t *testing.T) {
	_, srv := serve(t, aircallemu.Options{RatePerMinute: 1})
	c.Run(t, c.Server{URL: srv.URL, Client: srv.Client()}, []c.Row{
		{Name: "within the limit", Method: "GET", Path: "/v1/ping", Header: basicAuth(), Status: 200,
			JSON: map[string]any{"ping": "pong"}, Headers: map[string]any{"X-AircallApi-Limit": "1", "X-AircallApi-Remaining": "0"}},
		{Name: "§2.6 over the limit", Method: "GET", Path: "/v1/ping", Header: basicAuth(), Status: 429,
			JSON: map[string]any{"error": "Too Many Requests"}, Headers: map[string]any{"Retry-After": c.Match(`^[1-9]\d*$`)}},
	})
}

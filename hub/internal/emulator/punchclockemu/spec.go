package punchclockemu

import (
	"encoding/json"

	"presencehub.dev/hub/internal/vendorapi/httpconn"
)

// ConnectorSpec is the connector of the non-formatted users (the seed's final flow, keys mapped).
func (e *Emulator) ConnectorSpec() string { return ConnectorSpec(false) }

// ConnectorSpec is the generic HTTP connector of this API (JSON, the API's http_connector): users from
// users/formatted or users/not-formatted (keys mapped by JSON path), paged by number until the users
// counted reach the total; the punch-clock action on every status change the rule maps to "in" or "out".
func ConnectorSpec(formatted bool) string {
	list := &httpconn.UserList{
		Request:    httpconn.Request{Method: "GET", URL: "/users/not-formatted?page={{page}}", Headers: auth()},
		Pagination: httpconn.PagePaging, UsersPath: "users", IDPath: "punch_clock_id", EmailPath: "punch_clock_email",
		NamePath: "punch_clock_name", CountPath: "count", TotalPath: "total",
	}
	if formatted {
		list.Request.URL, list.IDPath, list.EmailPath, list.NamePath = "/users/formatted?page={{page}}", "id", "email", "name"
	}
	spec := httpconn.Spec{
		ListUsers: list,
		States:    []string{PunchIn, PunchOut},
		Actions: []httpconn.Action{{Name: "punch-clock", Event: httpconn.EventStatusChange, Request: httpconn.Request{
			Method: "POST", URL: "/users/{{external_id}}/punch-clock", Headers: auth(), Body: `{"action": "{{status}}"}`,
		}}},
	}
	b, err := json.Marshal(spec)
	if err != nil {
		panic(err) // a fixed value
	}
	return string(b)
}

func auth() map[string]string {
	return map[string]string{"Authorization": "Bearer {{credentials.api_token}}"}
}

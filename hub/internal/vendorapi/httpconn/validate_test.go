package httpconn

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	good := `{"list_users":{"request":{"method":"GET","url":"/users?page={{page}}","headers":{"Authorization":"Bearer {{credentials.token}}"}},
		"users_path":"users","id_path":"id","email_path":"email","total_path":"total"},
		"states":["in","out"],
		"actions":[{"name":"punch","event":"status_change","request":{"method":"POST","url":"/u/{{external_id}}","body":"{\"a\":\"{{status}}\"}"}}]}`
	for _, tc := range []struct {
		name, edit, field string
	}{
		{"good", "", ""},
		{"no list", `{"list_users":null}`, "list_users"},
		{"absolute url", `{"list_users":{"request":{"method":"GET","url":"https://x.example/users?page={{page}}"}}}`, "list_users.request.url"},
		{"no page variable", `{"list_users":{"request":{"method":"GET","url":"/users"}}}`, "list_users.request.url"},
		{"unknown variable", `{"list_users":{"request":{"method":"GET","url":"/users?page={{page}}&x={{external_id}}"}}}`, "list_users.request.url"},
		{"unknown credential", `{"list_users":{"request":{"method":"GET","url":"/users?page={{page}}","headers":{"Authorization":"{{credentials.nope}}"}}}}`, "list_users.request.headers[Authorization]"},
		{"stray braces", `{"list_users":{"request":{"method":"GET","url":"/users?page={{page}}&x={{oops"}}}`, "list_users.request.url"},
		{"bad method", `{"list_users":{"request":{"method":"FETCH","url":"/users?page={{page}}"}}}`, "list_users.request.method"},
		{"bad pagination", `{"list_users":{"pagination":"scroll"}}`, "list_users.pagination"},
		{"no total", `{"list_users":{"total_path":""}}`, "list_users.total_path"},
		{"no id path", `{"list_users":{"id_path":""}}`, "list_users.id_path"},
		{"bad event", `{"actions":[{"name":"punch","event":"login","request":{"method":"POST","url":"/u"}}]}`, "actions[0].event"},
		{"bad action name", `{"actions":[{"name":"Punch Clock","request":{"method":"POST","url":"/u"}}]}`, "actions[0].name"},
		{"action state not listed", `{"actions":[{"name":"punch","states":["lunch"],"request":{"method":"POST","url":"/u"}}]}`, "actions[0].states[0]"},
		{"page in an action", `{"actions":[{"name":"punch","request":{"method":"POST","url":"/u/{{page}}"}}]}`, "actions[0].request.url"},
		{"bad header name", `{"actions":[{"name":"punch","request":{"method":"POST","url":"/u","headers":{"Bad Header":"x"}}}]}`, "actions[0].request.headers[Bad Header]"},
		{"duplicate state", `{"states":["in","in"]}`, "states[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := parse(t, good)
			if tc.edit != "" {
				if err := json.Unmarshal([]byte(tc.edit), s); err != nil {
					t.Fatal(err)
				}
			}
			errs := Validate(s, []string{"token"}, nil)
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v", errs)
				}
				return
			}
			for _, e := range errs {
				if e.Field == tc.field {
					return
				}
			}
			t.Fatalf("no error on %s: %v", tc.field, errs)
		})
	}
}

// parse reads a spec; json.Unmarshal over it later replaces the fields an edit names (merging objects).
func parse(t *testing.T, s string) *Spec {
	t.Helper()
	var out Spec
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

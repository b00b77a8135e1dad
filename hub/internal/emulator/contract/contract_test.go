package contract

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDig(t *testing.T) {
	body := decode(t, `{"users":[{"id":10011,"tags":["a","b"]}],"meta":{"has_more":false,"next":null}}`)
	for path, want := range map[string]any{
		"users.0.id": "10011", "users.0.tags.1": "b", "users.0.tags.#": "2", "users.#": "1", "meta.has_more": "false",
		"meta.next": "<nil>", "users.1.id": "<nil>", "users.x": "<nil>", "meta.#": "2",
	} {
		if got := fmtAny(dig(body, path)); got != want {
			t.Errorf("dig %q = %s; want %s", path, got, want)
		}
	}
}

func fmtAny(v any) string {
	if v == nil {
		return "<nil>"
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// TestMatchersFail: each matcher rejects what it must (a contract row built on it can fail).
func TestMatchersFail(t *testing.T) {
	vars := map[string]string{"base": "http://127.0.0.1:1"}
	for _, c := range []struct {
		name     string
		want     any
		got      any
		mismatch bool
	}{
		{"eq number", 10011, json.Number("10011"), false},
		{"eq differs", 10011, json.Number("10012"), true},
		{"eq absent", "x", nil, true},
		{"string var", "{base}/x", "http://127.0.0.1:1/x", false},
		{"string var differs", "{base}/x", "https://127.0.0.1:1/x", true},
		{"null", Null(), nil, false},
		{"null present", Null(), "x", true},
		{"present", Present(), false, false},
		{"present absent", Present(), nil, true},
		{"match var quoted", Match(`^{base}/users\?page=2$`), "http://127.0.0.1:1/users?page=2", false},
		{"match var is literal", Match(`^{base}/users`), "http://127a0a0a1:1/users", true},
		{"match absent", Match(`.`), nil, true},
	} {
		err := matcher(c.want, vars)(c.got)
		if (err != nil) != c.mismatch {
			t.Errorf("%s: error %v; want mismatch %v", c.name, err, c.mismatch)
		}
	}
}

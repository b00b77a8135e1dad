package httpconn

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTemplates renders request templates with values of any content: a URL stays a path on the
// connection's host, a header value never holds a line break, a JSON body's values stay inside their
// strings; nothing panics.
func FuzzTemplates(f *testing.F) {
	base, _ := url.Parse("https://api.example.com/base")
	for _, s := range [][2]string{
		{"/users/{{external_id}}/punch?status={{status}}", "u1"},
		{"/users?page={{page}}&token={{credentials.token}}", "../../admin"},
		{"{{external_id}}", "//evil.example/x"},
		{"/x/{{external_id}}", "a\r\nX-Injected: 1"},
		{`{"status": "{{status}}"}`, `", "admin": true, "x": "`},
		{"/{{external_id}}?q={{status}}#{{page}}", "%2F..%2F@evil.example"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tpl, value string) {
		v := variables{"external_id": value, "status": value, "page": value, "credentials.token": value}
		if u, err := renderURL(base, tpl, v); err == nil && (u.Host != base.Host || u.Scheme != base.Scheme) {
			t.Fatalf("template %q with %q left the connection's host: %s", tpl, value, u)
		}
		if h, err := renderHeader(tpl, v); err == nil && strings.ContainsAny(h, "\r\n") {
			t.Fatalf("header %q holds a line break", h)
		}
		b, err := renderBody(`{"v": "{{status}}"}`, v)
		var got map[string]string
		if err != nil || json.Unmarshal([]byte(b), &got) != nil || len(got) != 1 || (utf8.ValidString(value) && got["v"] != value) {
			t.Fatalf("JSON body %q from %q (%v): the value escaped its string", b, value, err)
		}
	})
}

// Package contract runs an emulator's fidelity contract: a table of documented requests and the
// answers the vendor reference (shared/reference/vendor-apis.md) says the real API gives (status, key
// body fields, headers), sent through real HTTP to a running emulator. Rows run in order against one
// account, so a row may rely on what an earlier one changed. Every row checks its status and at least
// one body field or header, so every row can fail.
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Row is one documented request and what its answer must carry.
type Row struct {
	// Name says which reference example the row is (e.g. "§1.2 users cursor last page").
	Name string
	// Method, Path (relative to the server; "{name}" is replaced from Vars, "{base}" is the server's
	// URL) and Body of the request.
	Method, Path, Body string
	// Header is the request's headers (Authorization and Content-Type included); nil sends none.
	Header http.Header
	// Status is the answer's status code.
	Status int
	// JSON checks body fields by dotted path ("users.0.email", "meta.has_more"; "" is the whole
	// body; "#" after a path is its length): a Matcher, or a value compared with Eq.
	JSON map[string]any
	// Headers checks answer headers: a Matcher, or a string compared with Eq.
	Headers map[string]any
	// Raw checks the whole body as text (a Matcher, Match or string), for answers that are not JSON.
	Raw any
	// Capture saves body fields (dotted paths, as in JSON) as Vars for later rows: name → path.
	Capture map[string]string
}

// Matcher checks one value (nil when absent; JSON numbers arrive as json.Number).
type Matcher func(v any) error

// Eq matches a value equal to want once both are printed with fmt (so 10011 matches
// json.Number("10011")); a string want has Vars replaced.
func Eq(want any) Matcher {
	return func(v any) error {
		if v == nil && want != nil {
			return fmt.Errorf("absent, want %v", want)
		}
		if fmt.Sprint(v) != fmt.Sprint(want) {
			return fmt.Errorf("got %v, want %v", v, want)
		}
		return nil
	}
}

// Null matches JSON null or an absent field.
func Null() Matcher {
	return func(v any) error {
		if v != nil {
			return fmt.Errorf("got %v, want null", v)
		}
		return nil
	}
}

// Present matches any value but null.
func Present() Matcher {
	return func(v any) error {
		if v == nil {
			return fmt.Errorf("absent or null")
		}
		return nil
	}
}

// Match expects a printed value to match a regular expression; "{name}" in it is a Var, matched
// literally.
func Match(pattern string) Pattern { return Pattern(pattern) }

// Pattern is a regular expression an expected value must match (see Match).
type Pattern string

func (p Pattern) matcher(vars map[string]string) Matcher {
	expr := string(p)
	for k, v := range vars {
		expr = strings.ReplaceAll(expr, "{"+k+"}", regexp.QuoteMeta(v))
	}
	re := regexp.MustCompile(expr)
	return func(v any) error {
		if v == nil {
			return fmt.Errorf("absent, want match for %q", expr)
		}
		if !re.MatchString(fmt.Sprint(v)) {
			return fmt.Errorf("%v does not match %q", v, expr)
		}
		return nil
	}
}

// Server is what the rows run against.
type Server struct {
	URL    string
	Client *http.Client
	// Vars are replaced in paths, bodies, headers and expected strings as "{name}"; "base" is URL.
	Vars map[string]string
}

// Run sends each row in order, each as a subtest, and checks its answer.
func Run(t *testing.T, s Server, rows []Row) {
	t.Helper()
	vars := map[string]string{"base": s.URL}
	for k, v := range s.Vars {
		vars[k] = v
	}
	for _, row := range rows {
		ok := t.Run(row.Name, func(t *testing.T) { runRow(t, s, vars, row) })
		if !ok {
			t.Logf("row %q failed; later rows may depend on it", row.Name)
		}
	}
}

func runRow(t *testing.T, s Server, vars map[string]string, row Row) {
	t.Helper()
	if len(row.JSON)+len(row.Headers) == 0 && row.Raw == nil {
		t.Fatal("a row must check at least one body field or header besides its status")
	}
	sub := func(str string) string { return substitute(str, vars) }
	req, err := http.NewRequestWithContext(t.Context(), row.Method, s.URL+sub(row.Path), strings.NewReader(sub(row.Body)))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range row.Header {
		for _, v := range vs {
			req.Header.Add(k, sub(v))
		}
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != row.Status {
		t.Errorf("%s %s: status %d, want %d; body %s", row.Method, row.Path, resp.StatusCode, row.Status, raw)
	}
	var body any
	if len(row.JSON)+len(row.Capture) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Fatalf("body is not JSON (%v): %q", err, raw)
		}
	}
	for _, k := range sortedKeys(row.JSON) {
		if err := matcher(row.JSON[k], vars)(dig(body, k)); err != nil {
			t.Errorf("body %q: %v (body %s)", k, err, raw)
		}
	}
	if row.Raw != nil {
		if err := matcher(row.Raw, vars)(string(raw)); err != nil {
			t.Errorf("body: %v", err)
		}
	}
	for name, p := range row.Capture {
		v := dig(body, p)
		if v == nil {
			t.Errorf("capture %s: body has no %q", name, p)
			continue
		}
		vars[name] = fmt.Sprint(v)
	}
	for _, k := range sortedKeys(row.Headers) {
		var v any
		if vs := resp.Header.Values(k); len(vs) > 0 {
			v = strings.Join(vs, ", ")
		}
		if err := matcher(row.Headers[k], vars)(v); err != nil {
			t.Errorf("header %s: %v", k, err)
		}
	}
}

// matcher turns an expectation into a Matcher, replacing Vars in a string.
func matcher(want any, vars map[string]string) Matcher {
	switch w := want.(type) {
	case Matcher:
		return w
	case Pattern:
		return w.matcher(vars)
	case string:
		return Eq(substitute(w, vars))
	}
	return Eq(want)
}

func substitute(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// dig follows a dotted path: object keys, array indexes, and a final "#" for a length.
func dig(v any, path string) any {
	if path == "" {
		return v
	}
	for _, k := range strings.Split(path, ".") {
		if k == "#" {
			switch c := v.(type) {
			case []any:
				return len(c)
			case map[string]any:
				return len(c)
			}
			return nil
		}
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Auth returns a header with Authorization set to value.
func Auth(value string) http.Header { return http.Header{"Authorization": {value}} }

// With returns h plus key: value (h is not changed).
func With(h http.Header, key, value string) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	out.Set(key, value)
	return out
}

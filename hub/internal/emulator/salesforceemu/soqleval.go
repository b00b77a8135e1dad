package salesforceemu

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// record is one sObject row: canonical field names to values (string, bool, float64, time.Time, nil),
// with a lookup relationship as a nested record.
type record map[string]any

// schema is an sObject type the query endpoint knows.
type schema struct {
	name   string
	fields []string
	// rels are lookup relationships by name (ServicePresenceStatus on UserServicePresence).
	rels map[string]*schema
}

// resolve turns a (case-insensitive) field path into its canonical spelling.
func (s *schema) resolve(path string) ([]string, error) {
	parts := strings.Split(path, ".")
	if len(parts) == 2 {
		for name, rel := range s.rels {
			if strings.EqualFold(name, parts[0]) {
				f, err := rel.resolve(parts[1])
				if err != nil {
					return nil, err
				}
				return []string{name, f[0]}, nil
			}
		}
	}
	if len(parts) == 1 {
		for _, f := range s.fields {
			if strings.EqualFold(f, path) {
				return []string{f}, nil
			}
		}
	}
	return nil, &soqlError{code: "INVALID_FIELD", msg: fmt.Sprintf("No such column '%s' on entity '%s'.", path, s.name)}
}

// isIDField reports whether a field holds record ids (filters on it must be well-formed ids).
func isIDField(f string) bool { return f == "Id" || strings.HasSuffix(f, "Id") }

// get reads a resolved path from r.
func get(r record, path []string) any {
	if len(path) == 2 {
		sub, _ := r[path[0]].(record)
		if sub == nil {
			return nil
		}
		return sub[path[1]]
	}
	return r[path[0]]
}

// run evaluates q over rows of type s, answering the rendered records. base is the REST version path
// ("/services/data/v60.0") for attributes.url.
func run(q *query, s *schema, rows []record, base string) ([]map[string]any, error) {
	sel := make([][]string, len(q.fields))
	for i, f := range q.fields {
		p, err := s.resolve(f)
		if err != nil {
			return nil, err
		}
		sel[i] = p
	}
	type filter struct {
		path []string
		c    cond
	}
	var filters []filter
	for _, c := range q.where {
		p, err := s.resolve(c.field)
		if err != nil {
			return nil, err
		}
		if isIDField(p[len(p)-1]) {
			for _, v := range c.vals {
				if str, ok := v.(string); ok && !validID(str) {
					return nil, &soqlError{code: "INVALID_QUERY_FILTER_OPERATOR", msg: "invalid ID field: " + str}
				}
			}
		}
		filters = append(filters, filter{p, c})
	}
	var out []record
	for _, r := range rows {
		keep := true
		for _, f := range filters {
			if !matches(get(r, f.path), f.c) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	if q.orderBy != "" {
		p, err := s.resolve(q.orderBy)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(out, func(i, j int) bool {
			c := compare(get(out[i], p), get(out[j], p))
			if q.desc {
				return c > 0
			}
			return c < 0
		})
	}
	if q.limit > 0 && len(out) > q.limit {
		out = out[:q.limit]
	}
	rendered := make([]map[string]any, len(out))
	for i, r := range out {
		rendered[i] = render(r, s, sel, base)
	}
	return rendered, nil
}

// render is a record as the query endpoint answers it: attributes, then the selected fields, with
// relationship fields nested under the relationship's name.
func render(r record, s *schema, sel [][]string, base string) map[string]any {
	m := map[string]any{"attributes": attributes(s.name, r, base)}
	for _, p := range sel {
		if len(p) == 1 {
			m[p[0]] = jsonValue(r[p[0]])
			continue
		}
		sub, _ := r[p[0]].(record)
		if sub == nil {
			m[p[0]] = nil
			continue
		}
		nested, _ := m[p[0]].(map[string]any)
		if nested == nil {
			nested = map[string]any{"attributes": attributes(s.rels[p[0]].name, sub, base)}
			m[p[0]] = nested
		}
		nested[p[1]] = jsonValue(sub[p[1]])
	}
	return m
}

func attributes(typ string, r record, base string) map[string]string {
	id, _ := r["Id"].(string)
	return map[string]string{"type": typ, "url": base + "/sobjects/" + typ + "/" + id}
}

// timeFormat is how Salesforce renders datetimes in JSON.
const timeFormat = "2006-01-02T15:04:05.000-0700"

func jsonValue(v any) any {
	if t, ok := v.(time.Time); ok {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(timeFormat)
	}
	return v
}

// matches applies one condition to a value.
func matches(v any, c cond) bool {
	switch c.op {
	case "IN":
		for _, w := range c.vals {
			if compare(v, w) == 0 {
				return true
			}
		}
		return false
	case "=":
		return compare(v, c.vals[0]) == 0
	case "!=":
		return compare(v, c.vals[0]) != 0
	}
	if v == nil || c.vals[0] == nil {
		return false
	}
	n := compare(v, c.vals[0])
	switch c.op {
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	default: // >=
		return n >= 0
	}
}

// compare orders two values of the same kind (nil first); ids compare on their first 15 characters,
// as Salesforce treats 15- and 18-character ids alike.
func compare(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		if validID(x) && validID(y) {
			x, y = x[:15], y[:15]
		}
		return strings.Compare(x, y)
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case float64:
		y, _ := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}

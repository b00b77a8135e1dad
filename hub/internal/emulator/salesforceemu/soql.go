package salesforceemu

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// query is a parsed SOQL statement of the subset the emulator answers:
//
//	SELECT f[, f.g ...] FROM Object [WHERE cond [AND cond ...]] [ORDER BY f [ASC|DESC]] [LIMIT n]
//
// where cond is `field op value` (op: = != < <= > >=) or `field IN (value, ...)`, and value is a
// 'quoted string', true, false, null, a number or a datetime literal (2024-05-01T10:00:00Z).
type query struct {
	fields  []string
	object  string
	where   []cond
	orderBy string
	desc    bool
	limit   int // 0: none
}

type cond struct {
	field string
	op    string
	vals  []any // one, or several for IN
}

// soqlError is a query Salesforce would refuse: its errorCode (MALFORMED_QUERY, INVALID_FIELD, ...)
// and message.
type soqlError struct{ code, msg string }

func (e *soqlError) Error() string { return e.code + ": " + e.msg }

func malformed(format string, a ...any) error {
	return &soqlError{code: "MALFORMED_QUERY", msg: fmt.Sprintf(format, a...)}
}

// parseSOQL parses q.
func parseSOQL(q string) (*query, error) {
	toks, err := tokenize(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := &query{}
	if !p.keyword("SELECT") {
		return nil, malformed("unexpected token: %q", p.peek())
	}
	for {
		f := p.next()
		if !isIdent(f) {
			return nil, malformed("unexpected token: %q", f)
		}
		out.fields = append(out.fields, f)
		if p.peek() != "," {
			break
		}
		p.next()
	}
	if !p.keyword("FROM") {
		return nil, malformed("expecting FROM, found %q", p.peek())
	}
	if out.object = p.next(); !isIdent(out.object) {
		return nil, malformed("unexpected token: %q", out.object)
	}
	if p.keyword("WHERE") {
		for {
			c, err := p.cond()
			if err != nil {
				return nil, err
			}
			out.where = append(out.where, c)
			if !p.keyword("AND") {
				break
			}
		}
	}
	if p.keyword("ORDER") {
		if !p.keyword("BY") {
			return nil, malformed("expecting BY after ORDER")
		}
		out.orderBy = p.next()
		if p.keyword("DESC") {
			out.desc = true
		} else {
			p.keyword("ASC")
		}
	}
	if p.keyword("LIMIT") {
		n, err := strconv.Atoi(p.next())
		if err != nil || n < 0 {
			return nil, malformed("LIMIT must be a non-negative integer")
		}
		out.limit = n
	}
	if p.peek() != "" {
		return nil, malformed("unexpected token: %q", p.peek())
	}
	return out, nil
}

type parser struct {
	toks []string
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

// keyword consumes kw (case-insensitive) if it is next.
func (p *parser) keyword(kw string) bool {
	if strings.EqualFold(p.peek(), kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) cond() (cond, error) {
	c := cond{field: p.next()}
	if !isIdent(c.field) {
		return c, malformed("unexpected token: %q", c.field)
	}
	if p.keyword("IN") {
		c.op = "IN"
		if p.next() != "(" {
			return c, malformed("expecting ( after IN")
		}
		for {
			v, err := literal(p.next())
			if err != nil {
				return c, err
			}
			c.vals = append(c.vals, v)
			if t := p.next(); t == ")" {
				return c, nil
			} else if t != "," {
				return c, malformed("unexpected token in IN list: %q", t)
			}
		}
	}
	switch c.op = p.next(); c.op {
	case "=", "!=", "<", "<=", ">", ">=":
	default:
		return c, malformed("unexpected token: %q", c.op)
	}
	v, err := literal(p.next())
	if err != nil {
		return c, err
	}
	c.vals = []any{v}
	return c, nil
}

// literal turns a value token into a string, bool, nil, float64 or time.Time.
func literal(t string) (any, error) {
	switch {
	case strings.HasPrefix(t, "'"):
		return t[1:], nil // the tokenizer unquoted it, keeping the opening quote as a marker
	case strings.EqualFold(t, "true"), strings.EqualFold(t, "false"):
		return strings.EqualFold(t, "true"), nil
	case strings.EqualFold(t, "null"):
		return nil, nil
	}
	if tm, err := parseDateTime(t); err == nil {
		return tm, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return f, nil
	}
	return nil, malformed("unexpected token: %q", t)
}

// parseDateTime reads SOQL datetime literals: 2024-05-01T10:00:00Z, with optional fraction and an
// offset (+01:00 or +0100).
func parseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a datetime: %q", s)
}

func isIdent(t string) bool {
	if t == "" || !unicode.IsLetter(rune(t[0])) {
		return false
	}
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

// tokenize splits q into identifiers, literals and punctuation. A string literal becomes its unescaped
// text prefixed by a single quote.
func tokenize(q string) ([]string, error) {
	var toks []string
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '\'':
			var b strings.Builder
			b.WriteRune('\'')
			i++
			for ; i < len(rs) && rs[i] != '\''; i++ {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				}
				b.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, malformed("unterminated string literal")
			}
			i++
			toks = append(toks, b.String())
		case strings.ContainsRune(",()", r):
			toks = append(toks, string(r))
			i++
		case strings.ContainsRune("=!<>", r):
			j := i + 1
			if j < len(rs) && rs[j] == '=' {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune(",()=!<>'", rs[j]) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		}
	}
	return toks, nil
}

package httpconn

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// placeholder matches one variable of a template: {{name}}, {{ credentials.api_token }}.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}`)

// Variables of the templates.
const (
	VarPage       = "page"
	VarExternalID = "external_id"
	VarEmail      = "email"
	VarStatus     = "status"
	credPrefix    = "credentials."
	settingPrefix = "settings."
)

// variables names each template's variables; credentials.* and settings.* come from the connection.
type variables map[string]string

// templateNames lists the variables a template uses, and whether it has stray braces.
func templateNames(tpl string) (names []string, stray bool) {
	for _, m := range placeholder.FindAllStringSubmatch(tpl, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	rest := placeholder.ReplaceAllString(tpl, "")
	return names, strings.Contains(rest, "{{") || strings.Contains(rest, "}}")
}

// render fills tpl, escaping each value with esc.
func render(tpl string, v variables, esc func(string) string) (string, error) {
	var missing string
	out := placeholder.ReplaceAllStringFunc(tpl, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		val, ok := v[name]
		if !ok && missing == "" {
			missing = name
		}
		return esc(val)
	})
	if missing != "" {
		return "", fmt.Errorf("no value for {{%s}}", missing)
	}
	return out, nil
}

// renderURL fills a URL template: values are escaped as path segments before the "?" and as query
// values after it. The result is a path on the connection's base URL.
func renderURL(base *url.URL, tpl string, v variables) (*url.URL, error) {
	path, query, hasQuery := strings.Cut(tpl, "?")
	p, err := render(path, v, url.PathEscape)
	if err != nil {
		return nil, err
	}
	if hasQuery {
		q, err := render(query, v, url.QueryEscape)
		if err != nil {
			return nil, err
		}
		p += "?" + q
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("the URL %q is not a path on the connection's base URL", p)
	}
	return url.Parse(strings.TrimRight(base.String(), "/") + p)
}

// renderHeader fills a header value; values cannot start a new header line.
func renderHeader(tpl string, v variables) (string, error) {
	out, err := render(tpl, v, func(s string) string { return s })
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(out, "\r\n") {
		return "", fmt.Errorf("a header value holds a line break")
	}
	return out, nil
}

// renderBody fills a body template. In a JSON body ("{" or "[" first) values are escaped as the inside of
// a JSON string, so a template writes "{{status}}" with its quotes.
func renderBody(tpl string, v variables) (string, error) {
	if t := strings.TrimSpace(tpl); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return render(tpl, v, jsonInside)
	}
	return render(tpl, v, func(s string) string { return s })
}

// jsonInside is s as it appears between the quotes of a JSON string.
func jsonInside(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// redactor replaces credential values (as written, and in their escaped forms) by "[redacted]", so no
// answer, error or log line of the connector shows one.
func redactor(creds map[string]string) *strings.Replacer {
	var forms []string
	for _, v := range creds {
		if len(v) < 4 {
			continue // too short to find safely; such a credential cannot be kept out of text anyway
		}
		forms = append(forms, v, url.QueryEscape(v), url.PathEscape(v), jsonInside(v))
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) }) // the longest form wins
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range slices.Compact(forms) {
		pairs = append(pairs, f, "[redacted]")
	}
	return strings.NewReplacer(pairs...)
}

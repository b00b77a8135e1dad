package httpconn

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Limits of a spec.
const (
	maxURL     = 2000
	maxBody    = 8000
	maxHeaders = 20
	maxActions = 20
	maxStates  = 50
	maxPath    = 200
)

var (
	headerNameRE = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]{1,100}$`)
	actionNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	methods      = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
)

// FieldError is one invalid field of a spec, named by its path in the HttpConnector message.
type FieldError struct {
	Field, Message string
}

// Validate checks a spec saved on a connection with the given credential and setting names (which its
// templates may use). A connection of vendor http needs list_users.
func Validate(s *Spec, credentials, settings []string) []FieldError {
	v := &validator{creds: credentials, settings: settings}
	if s.ListUsers == nil {
		v.add("list_users", "is required: agent sync reads the users through it")
	} else {
		v.userList(s.ListUsers)
	}
	if len(s.States) > maxStates {
		v.add("states", "must have at most %d entries", maxStates)
	}
	for i, st := range s.States {
		if st == "" || len(st) > 100 || strings.TrimSpace(st) != st {
			v.add(fmt.Sprintf("states[%d]", i), "must be 1-100 characters without surrounding spaces")
		} else if slices.Index(s.States, st) != i {
			v.add(fmt.Sprintf("states[%d]", i), "%q is listed twice", st)
		}
	}
	if len(s.Actions) > maxActions {
		v.add("actions", "must have at most %d entries", maxActions)
	}
	for i, a := range s.Actions {
		v.action(fmt.Sprintf("actions[%d]", i), i, a, s)
	}
	return v.errs
}

type validator struct {
	creds, settings []string
	errs            []FieldError
}

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) userList(l *UserList) {
	v.request("list_users.request", l.Request, []string{VarPage})
	switch l.Pagination {
	case "", PagePaging:
		if !usesVar(l.Request, VarPage) {
			v.add("list_users.request.url", "page pagination needs {{page}} in the URL or the body")
		}
		if l.TotalPath == "" {
			v.add("list_users.total_path", "is required with page pagination: pages are read until the users processed reach the total")
		}
	case NextLinkPaging, NoPaging:
	default:
		v.add("list_users.pagination", "must be one of: page, next_link, none")
	}
	if l.FirstPage < 0 {
		v.add("list_users.first_page", "must not be negative")
	}
	for _, p := range []struct {
		field, path string
		required    bool
	}{{"users_path", l.UsersPath, true}, {"id_path", l.IDPath, true}, {"email_path", l.EmailPath, true},
		{"name_path", l.NamePath, false}, {"count_path", l.CountPath, false}, {"total_path", l.TotalPath, false}, {"next_path", l.NextPath, false}} {
		switch {
		case p.path == "" && p.required:
			v.add("list_users."+p.field, "is required")
		case len(p.path) > maxPath || strings.ContainsAny(p.path, " \t\r\n"):
			v.add("list_users."+p.field, "must be a JSON path (like data.users or punch_clock_id) of at most %d characters", maxPath)
		}
	}
}

func (v *validator) action(field string, i int, a Action, s *Spec) {
	if !actionNameRE.MatchString(a.Name) || a.Name == ListUsersAction {
		v.add(field+".name", "must be 1-63 lowercase letters, digits, \"-\" or \"_\" (and not %q)", ListUsersAction)
	} else if slices.IndexFunc(s.Actions, func(b Action) bool { return b.Name == a.Name }) != i {
		v.add(field+".name", "%q is used twice", a.Name)
	}
	if a.Event != "" && a.Event != EventStatusChange {
		v.add(field+".event", "must be %q or empty (run only by dry runs)", EventStatusChange)
	}
	for i, st := range a.States {
		if len(s.States) > 0 && !slices.Contains(s.States, st) {
			v.add(fmt.Sprintf("%s.states[%d]", field, i), "%q is not one of the connector's states", st)
		}
	}
	v.request(field+".request", a.Request, []string{VarExternalID, VarEmail, VarStatus})
}

// request checks a request template; own are the variables its action provides.
func (v *validator) request(field string, r Request, own []string) {
	if !slices.Contains(methods, r.Method) {
		v.add(field+".method", "must be one of: %s", strings.Join(methods, ", "))
	}
	switch {
	case r.URL == "":
		v.add(field+".url", "is required")
	case len(r.URL) > maxURL:
		v.add(field+".url", "must be at most %d characters", maxURL)
	case !strings.HasPrefix(r.URL, "/"):
		v.add(field+".url", "must be a path on the connection's base URL, starting with \"/\"")
	}
	v.template(field+".url", r.URL, own)
	if len(r.Body) > maxBody {
		v.add(field+".body", "must be at most %d characters", maxBody)
	}
	v.template(field+".body", r.Body, own)
	if len(r.Headers) > maxHeaders {
		v.add(field+".headers", "must have at most %d entries", maxHeaders)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		val := r.Headers[name]
		hf := field + ".headers[" + name + "]"
		if !headerNameRE.MatchString(name) {
			v.add(hf, "is not a valid header name")
		}
		if strings.ContainsAny(val, "\r\n") || len(val) > maxURL {
			v.add(hf, "must be one line of at most %d characters", maxURL)
		}
		v.template(hf, val, own)
	}
}

// template checks a template's variables: its action's own, and credentials and settings the
// connection has.
func (v *validator) template(field, tpl string, own []string) {
	names, stray := templateNames(tpl)
	if stray {
		v.add(field, "has unmatched {{ or }}")
	}
	for _, n := range names {
		switch {
		case slices.Contains(own, n):
		case strings.HasPrefix(n, credPrefix):
			if !slices.Contains(v.creds, strings.TrimPrefix(n, credPrefix)) {
				v.add(field, "{{%s}}: the connection has no credential %q", n, strings.TrimPrefix(n, credPrefix))
			}
		case strings.HasPrefix(n, settingPrefix):
			if !slices.Contains(v.settings, strings.TrimPrefix(n, settingPrefix)) {
				v.add(field, "{{%s}}: the connection has no setting %q", n, strings.TrimPrefix(n, settingPrefix))
			}
		default:
			v.add(field, "{{%s}} is not a variable here (have %s, credentials.NAME, settings.NAME)", n, strings.Join(own, ", "))
		}
	}
}

// usesVar reports whether a request template uses a variable.
func usesVar(r Request, name string) bool {
	for _, tpl := range []string{r.URL, r.Body} {
		if names, _ := templateNames(tpl); slices.Contains(names, name) {
			return true
		}
	}
	return false
}

package ctl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseAPIError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   APIError
	}{
		{
			name:   "snake case violations",
			status: 400,
			body: `{"code":3,"message":"invalid agent","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",` +
				`"field_violations":[{"field":"email","description":"must be an email address"},` +
				`{"field":"team_ids[0]","description":"no such team"}]}]}`,
			want: APIError{HTTPStatus: 400, Code: 3, Message: "invalid agent", Violations: []FieldViolation{
				{"email", "must be an email address"}, {"team_ids[0]", "no such team"}}},
		},
		{
			name:   "camel case violations",
			status: 400,
			body: `{"code":3,"message":"bad","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",` +
				`"fieldViolations":[{"field":"name","description":"required"}]}]}`,
			want: APIError{HTTPStatus: 400, Code: 3, Message: "bad", Violations: []FieldViolation{{"name", "required"}}},
		},
		{
			name:   "unknown details ignored",
			status: 404,
			body:   `{"code":5,"message":"agent not found","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"X"}]}`,
			want:   APIError{HTTPStatus: 404, Code: 5, Message: "agent not found"},
		},
		{
			name:   "not json",
			status: 502,
			body:   "<html>Bad Gateway</html>\nmore",
			want:   APIError{HTTPStatus: 502, Message: "<html>Bad Gateway</html>"},
		},
		{
			name:   "empty body",
			status: 403,
			body:   "",
			want:   APIError{HTTPStatus: 403, Message: "Forbidden"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseAPIError(tc.status, []byte(tc.body))
			if fmt.Sprint(*got) != fmt.Sprint(tc.want) {
				t.Errorf("got %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestRenderError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
		code int
	}{
		{
			name: "api error with violations",
			err: &runtimeError{&APIError{HTTPStatus: 400, Code: 3, Message: "invalid status",
				Violations: []FieldViolation{{"color", "must be #rrggbb"}, {"", "something"}}}},
			want: []string{
				"Error: invalid status (HTTP 400, InvalidArgument)",
				"  - color: must be #rrggbb",
				"  - (request): something",
			},
			code: ExitFailure,
		},
		{
			name: "message repeating the violations",
			err: &APIError{HTTPStatus: 400, Code: 3, Message: "invalid request: email: bad; team_ids[0]: no team",
				Violations: []FieldViolation{{"email", "bad"}, {"team_ids[0]", "no team"}}},
			want: []string{
				"Error: invalid request (HTTP 400, InvalidArgument)",
				"  - email: bad",
				"  - team_ids[0]: no team",
			},
			code: ExitFailure,
		},
		{
			name: "message with other text is kept",
			err: &APIError{HTTPStatus: 400, Code: 3, Message: "invalid request: email: bad",
				Violations: []FieldViolation{{"email", "bad"}, {"name", "required"}}},
			want: []string{
				"Error: invalid request: email: bad (HTTP 400, InvalidArgument)",
				"  - email: bad",
				"  - name: required",
			},
			code: ExitFailure,
		},
		{
			name: "hint",
			err:  &APIError{HTTPStatus: 401, Code: 16, Message: "missing API key", Hint: "pass --key"},
			want: []string{"Error: missing API key (HTTP 401, Unauthenticated)", "Hint: pass --key"},
			code: ExitFailure,
		},
		{
			name: "usage error",
			err:  &UsageError{Err: errors.New("no tenant"), Command: "presencectl agents list"},
			want: []string{"Error: no tenant", "Run 'presencectl agents list --help' for usage."},
			code: ExitUsage,
		},
		{
			name: "cobra error",
			err:  errors.New(`unknown flag: --x`),
			want: []string{"Error: unknown flag: --x", "Run 'presencectl --help' for usage."},
			code: ExitUsage,
		},
		{
			name: "runtime error",
			err:  &runtimeError{errors.New("cannot reach the hub")},
			want: []string{"Error: cannot reach the hub"},
			code: ExitFailure,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			RenderError(&b, tc.err)
			got := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), strings.Join(tc.want, "\n"))
			}
			if c := ExitCode(tc.err); c != tc.code {
				t.Errorf("exit code %d, want %d", c, tc.code)
			}
		})
	}
	if ExitCode(nil) != ExitOK {
		t.Error("ExitCode(nil) != 0")
	}
}

func TestAPIErrorString(t *testing.T) {
	e := &APIError{HTTPStatus: 409, Code: 6, Message: "exists", Violations: []FieldViolation{{"name", "taken"}}}
	if got, want := e.Error(), "exists; name: taken (HTTP 409 AlreadyExists)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

package ctl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Exit codes of presencectl.
const (
	ExitOK      = 0
	ExitFailure = 1 // the hub refused the request, or it could not be reached
	ExitUsage   = 2 // bad flags or arguments
)

// FieldViolation is one entry of a google.rpc.BadRequest detail: which request field is wrong and why.
type FieldViolation struct {
	Field       string
	Description string
}

// APIError is an error answer of the hub: a google.rpc.Status body with an HTTP status.
type APIError struct {
	HTTPStatus int    // HTTP status code, e.g. 400
	Code       int    // google.rpc.Code, e.g. 3 (InvalidArgument); 0 when the body had none
	Message    string // the status message
	Violations []FieldViolation
	Hint       string // optional advice added by the client, e.g. for a missing API key
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "; %s: %s", v.Field, v.Description)
	}
	fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
	if name := codeName(e.Code); name != "" {
		b.WriteString(" " + name)
	}
	b.WriteString(")")
	return b.String()
}

// summary is the message without the violations it may already spell out ("invalid request:
// email: must be ...; name: ..." becomes "invalid request"), as they are listed one per line.
func (e *APIError) summary() string {
	if len(e.Violations) == 0 {
		return e.Message
	}
	first := e.Violations[0].Field + ": " + e.Violations[0].Description
	i := strings.Index(e.Message, first)
	if i <= 0 {
		return e.Message
	}
	for _, v := range e.Violations {
		if !strings.Contains(e.Message[i:], v.Field+": "+v.Description) {
			return e.Message
		}
	}
	if head := strings.TrimRight(e.Message[:i], ":;, "); head != "" {
		return head
	}
	return e.Message
}

// rpcStatus is the JSON form of google.rpc.Status as grpc-gateway writes it.
type rpcStatus struct {
	Code    int               `json:"code"`
	Message string            `json:"message"`
	Details []json.RawMessage `json:"details"`
}

// rpcDetail covers the detail types whose content is worth showing. Field violations arrive as
// "field_violations" (proto names) or "fieldViolations" (JSON names); both are accepted.
type rpcDetail struct {
	Type                 string          `json:"@type"`
	FieldViolations      []rpcViolation  `json:"field_violations"`
	FieldViolationsCamel []rpcViolation  `json:"fieldViolations"`
	Violations           []rpcPrecondErr `json:"violations"`
}

type rpcViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

type rpcPrecondErr struct {
	Type        string `json:"type"`
	Subject     string `json:"subject"`
	Description string `json:"description"`
}

// parseAPIError turns an error response into an APIError. Bodies that are not a google.rpc.Status
// (a proxy's HTML page, say) keep their first line as the message.
func parseAPIError(httpStatus int, body []byte) *APIError {
	e := &APIError{HTTPStatus: httpStatus}
	var st rpcStatus
	if err := json.Unmarshal(body, &st); err != nil || (st.Message == "" && st.Code == 0) {
		msg := strings.TrimSpace(string(body))
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if msg == "" {
			msg = http.StatusText(httpStatus)
		}
		e.Message = msg
		return e
	}
	e.Code, e.Message = st.Code, st.Message
	if e.Message == "" {
		e.Message = http.StatusText(httpStatus)
	}
	for _, raw := range st.Details {
		var d rpcDetail
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		for _, v := range append(d.FieldViolations, d.FieldViolationsCamel...) {
			e.Violations = append(e.Violations, FieldViolation(v))
		}
		for _, v := range d.Violations {
			e.Violations = append(e.Violations, FieldViolation{Field: v.Subject, Description: v.Description})
		}
	}
	return e
}

// UsageError is a mistake in the command line; presencectl exits with code 2 for it.
type UsageError struct {
	Err     error
	Command string // command path for the "--help" hint; may be empty
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// runtimeError marks an error raised while a command ran (as opposed to cobra's own argument and
// flag checks, which are usage errors).
type runtimeError struct{ err error }

func (e *runtimeError) Error() string { return e.err.Error() }
func (e *runtimeError) Unwrap() error { return e.err }

func isUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// ExitCode maps an error returned by the root command to the process exit code.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case isUsage(err):
		return ExitUsage
	}
	var re *runtimeError
	var ae *APIError
	if errors.As(err, &re) || errors.As(err, &ae) {
		return ExitFailure
	}
	// Errors cobra raises itself: unknown commands, flags or wrong argument counts.
	return ExitUsage
}

// RenderError prints err for a human: an API error with its status and every field violation, a
// usage error with a pointer to --help.
func RenderError(w io.Writer, err error) {
	var ae *APIError
	if errors.As(err, &ae) {
		status := fmt.Sprintf("HTTP %d", ae.HTTPStatus)
		if name := codeName(ae.Code); name != "" {
			status += ", " + name
		}
		fmt.Fprintf(w, "Error: %s (%s)\n", ae.summary(), status)
		for _, v := range ae.Violations {
			field := v.Field
			if field == "" {
				field = "(request)"
			}
			fmt.Fprintf(w, "  - %s: %s\n", field, v.Description)
		}
		if ae.Hint != "" {
			fmt.Fprintf(w, "Hint: %s\n", ae.Hint)
		}
		return
	}
	fmt.Fprintf(w, "Error: %s\n", err)
	if ExitCode(err) == ExitUsage {
		cmd := "presencectl"
		var ue *UsageError
		if errors.As(err, &ue) && ue.Command != "" {
			cmd = ue.Command
		}
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd)
	}
}

// codeNames are the google.rpc.Code names, indexed by code.
var codeNames = [...]string{
	"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
	"PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
	"Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
}

func codeName(code int) string {
	if code <= 0 || code >= len(codeNames) {
		return ""
	}
	return codeNames[code]
}

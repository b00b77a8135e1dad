package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"presencehub.dev/hub/internal/agentsync"
	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorsync"
	"presencehub.dev/shared/logkey"
)

// errorTable is the one place domain errors become gRPC codes (and, through the gateway, HTTP statuses).
// Anything not listed is an internal error: logged in full, answered without detail. An entry with a
// retry delay answers it as RetryInfo, which the REST edge sends as Retry-After.
var errorTable = []struct {
	err   error
	code  codes.Code
	retry time.Duration
}{
	{store.ErrNotFound, codes.NotFound, 0},
	{store.ErrConflict, codes.AlreadyExists, 0},
	{store.ErrVersionRace, codes.Aborted, time.Second}, // 409: changed meanwhile by another writer; retry
	{store.ErrInUse, codes.FailedPrecondition, 0},
	{store.ErrInvalidPageToken, codes.InvalidArgument, 0},
	{store.ErrBusy, codes.Unavailable, busyRetry}, // 503: the write lock stayed taken past its bound
	{auth.ErrUnauthenticated, codes.Unauthenticated, 0},
	{errForbidden, codes.PermissionDenied, 0},
	{errHubWideOnly, codes.PermissionDenied, 0},
	{errConflictState, codes.FailedPrecondition, 0},
	{errRateLimited, codes.ResourceExhausted, 0},
	{vendorsync.ErrUnsupportedVendor, codes.FailedPrecondition, 0},
	{vendorsync.ErrVendor, codes.Unavailable, 0},
	{vendorsync.ErrCredentialsUnreadable, codes.FailedPrecondition, 0},
	{agentsync.ErrDisabled, codes.FailedPrecondition, 0},
	{agentsync.ErrUnsupported, codes.FailedPrecondition, 0},
}

var (
	errForbidden   = errors.New("this API key may only read (role viewer)")
	errHubWideOnly = errors.New("this call needs a hub-wide API key")
	// errConflictState: the request conflicts with the object's current state (409).
	errConflictState = errors.New("conflicts with the current state")
	errRateLimited   = errors.New("too many attempts; retry later")
)

// conflictMessages explains each uniqueness rule in words an admin understands.
var conflictMessages = map[string]string{
	"tenants_name_key":              "a tenant with this name already exists",
	"statuses_name_key":             "a status with this name already exists in the tenant",
	"teams_name_key":                "a team with this name already exists in the tenant",
	"agents_email_key":              "an agent with this email already exists in the tenant",
	"connections_name_key":          "a connection with this name already exists in the tenant",
	"agent_identities_external_key": "this vendor user is already linked to another agent",
	"agent_identities_pkey":         "the agent already has an identity for this connection",
	"rules_name_key":                "a rule with this name already exists in the tenant",
	"rule_teams_connection_key":     "a team can be assigned to only one rule per connection",
	"rule_agents_connection_key":    "an agent can be assigned to only one rule per connection",
	"sync_runs_active_key":          "an agent sync of this connection is already running",
}

// toStatus maps err to a gRPC status error.
func toStatus(ctx context.Context, log *slog.Logger, method string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	var fe *fieldErrors
	if errors.As(err, &fe) {
		return fe.status()
	}
	var re *retryError
	if errors.As(err, &re) {
		return re.status()
	}
	var ue *unverifiedError
	if errors.As(err, &ue) {
		return ue.status()
	}
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		msg, ok := conflictMessages[ce.Constraint]
		if !ok {
			msg = "conflicts with an existing object"
		}
		return status.Error(codes.AlreadyExists, msg)
	}
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			if e.retry > 0 {
				return withRetry(status.New(e.code, userMessage(err, e.err).Error()), e.retry)
			}
			return status.Error(e.code, userMessage(err, e.err).Error())
		}
	}
	log.ErrorContext(ctx, "internal error", slog.String(logkey.Method, method), slog.Any(logkey.Error, err))
	return status.Error(codes.Internal, "internal error")
}

// userMessage keeps the sentinel's words and any context added in front of it by this package's
// handlers, e.g. "agent not found". Driver detail never reaches the caller.
func userMessage(err, sentinel error) error {
	var ue *userError
	if errors.As(err, &ue) {
		return ue
	}
	if sentinel == store.ErrNotFound {
		return err // store wraps it as "getting agent: not found": no driver detail
	}
	if sentinel == vendorsync.ErrCredentialsUnreadable {
		return errors.New(err.Error()[strings.Index(err.Error(), sentinel.Error()):]) // from the sentinel on: names connection, key, remedy
	}
	return sentinel
}

// userError is a message meant for the caller, wrapping the sentinel that decides its code.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

// notFound says which kind of object was not found.
func notFound(kind string) error {
	return &userError{msg: kind + " not found", err: store.ErrNotFound}
}

// inUse says what still references the object.
func inUse(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...), err: store.ErrInUse}
}

// fieldErrors collects every bad field of a request, answered as InvalidArgument with a BadRequest detail.
type fieldErrors struct {
	violations []*errdetails.BadRequest_FieldViolation
}

func (f *fieldErrors) add(field, format string, args ...any) {
	f.violations = append(f.violations, &errdetails.BadRequest_FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// orNil returns f as an error when it holds violations.
func (f *fieldErrors) orNil() error {
	if f == nil || len(f.violations) == 0 {
		return nil
	}
	return f
}

func (f *fieldErrors) Error() string {
	parts := make([]string, len(f.violations))
	for i, v := range f.violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

func (f *fieldErrors) status() error {
	st := status.New(codes.InvalidArgument, f.Error())
	withDetails, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: f.violations})
	if err != nil {
		return st.Err()
	}
	return withDetails.Err()
}

// HTTPStatus is the REST status for a gRPC code. It follows grpc-gateway's table except that
// FailedPrecondition ("still in use") is a 409 Conflict rather than a 400.
func HTTPStatus(c codes.Code) int {
	if c == codes.FailedPrecondition {
		return http.StatusConflict
	}
	return runtime.HTTPStatusFromCode(c)
}

// retryError is a rate-limit refusal; the REST edge turns its RetryInfo into a Retry-After header.
type retryError struct{ after time.Duration }

func (e *retryError) Error() string { return errRateLimited.Error() }

func (e *retryError) status() error {
	return withRetry(status.New(codes.ResourceExhausted, errRateLimited.Error()), e.after)
}

// busyRetry is the Retry-After of a write refused because the database stayed busy.
const busyRetry = time.Second

// withRetry adds a RetryInfo detail to st.
func withRetry(st *status.Status, after time.Duration) error {
	withDetails, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(after)})
	if err != nil {
		return st.Err()
	}
	return withDetails.Err()
}

// RetryAfter returns the retry delay carried by a status, if any.
func RetryAfter(st *status.Status) (time.Duration, bool) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}

// errStatesUnverified: a rule maps vendor states that only the vendor can confirm, and it could not be
// asked. The rule is not saved: saved unchecked, its writes could go dead later.
var errStatesUnverified = errors.New("the vendor's states could not be verified; the rule was not saved")

// unverifiedError is errStatesUnverified for some fields: 503 Unavailable, with RetryInfo (the REST
// edge's Retry-After) and the fields that could not be checked.
type unverifiedError struct {
	fields []string
	after  time.Duration
}

func (e *unverifiedError) Error() string {
	return errStatesUnverified.Error() + ": " + strings.Join(e.fields, ", ")
}

func (e *unverifiedError) status() error {
	st := status.New(codes.Unavailable, "could not reach the vendor to verify "+strings.Join(e.fields, ", ")+"; the rule was not saved, try again later")
	fv := make([]*errdetails.BadRequest_FieldViolation, len(e.fields))
	for i, f := range e.fields {
		fv[i] = &errdetails.BadRequest_FieldViolation{Field: f, Description: "the vendor could not be asked whether it has this state"}
	}
	withDetails, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(e.after)}, &errdetails.BadRequest{FieldViolations: fv})
	if err != nil {
		return st.Err()
	}
	return withDetails.Err()
}

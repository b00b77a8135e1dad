package vendorapi

import (
	"errors"
	"fmt"
	"time"
)

// Errors adapters answer; the sync framework decides from them whether to retry.
var (
	// ErrNotSettable: the vendor's API cannot set this state (permanent, never retried).
	ErrNotSettable = errors.New("state cannot be set through the vendor's API")
	// ErrUnknownUser: no such user in the vendor account (permanent).
	ErrUnknownUser = errors.New("unknown vendor user")
	// ErrAuth: the vendor refused the credentials (retried: an admin may fix them).
	ErrAuth = errors.New("vendor refused the credentials")
	// ErrBadSignature: a webhook's signature or token does not verify.
	ErrBadSignature = errors.New("webhook signature does not verify")
	// ErrMalformed: a webhook body cannot be parsed.
	ErrMalformed = errors.New("malformed webhook")
	// ErrAgentBusy: the vendor does not let the agent's state change right now (on a call, offline).
	// It is not a failure: the write waits for the agent, or is dropped when the adapter says so
	// (BusyError.Drop). Adapters answer a *BusyError, which matches it.
	ErrAgentBusy = errors.New("agent is busy in the vendor")
	// ErrUnsupported: the adapter cannot do this (the generic HTTP connector reads no states back).
	ErrUnsupported = errors.New("not supported by this connection")
	// ErrBadAnswer: the vendor's answer does not have the shape the connection expects (permanent).
	ErrBadAnswer = errors.New("the vendor's answer does not have the expected shape")
	// ErrBadCursor: a poll cursor the adapter cannot read (saved by another version, say); the poller
	// starts over with a baseline.
	ErrBadCursor = errors.New("unreadable poll cursor")
)

// BusyError says why the vendor will not take a write for an agent now, and whether the write should
// wait until the agent leaves that state or be dropped.
type BusyError struct {
	// Reason is for people (the agent's timeline): "agent is On a Call in Talkdesk".
	Reason string
	// Drop: the connection asks for such writes to be dropped rather than wait.
	Drop bool
}

func (e *BusyError) Error() string { return e.Reason }

// Unwrap makes a BusyError match ErrAgentBusy.
func (e *BusyError) Unwrap() error { return ErrAgentBusy }

// Busy returns the BusyError in err's chain, if any.
func Busy(err error) (*BusyError, bool) {
	var be *BusyError
	if errors.As(err, &be) {
		return be, true
	}
	return nil, false
}

// HTTPError is a vendor's non-success answer.
type HTTPError struct {
	Status int
	// RetryAfter is the vendor's Retry-After (zero if none).
	RetryAfter time.Duration
	Body       string
}

func (e *HTTPError) Error() string {
	if e.Body != "" {
		return fmt.Sprintf("vendor answered %d: %s", e.Status, e.Body)
	}
	return fmt.Sprintf("vendor answered %d", e.Status)
}

// Permanent reports whether retrying err cannot help (the request itself is wrong).
func Permanent(err error) bool {
	if errors.Is(err, ErrAuth) {
		return false // whatever the status (Entra answers an unknown tenant with 400): an admin may fix them
	}
	if errors.Is(err, ErrNotSettable) || errors.Is(err, ErrUnknownUser) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrBadAnswer) {
		return true
	}
	if be, ok := Busy(err); ok {
		return be.Drop
	}
	var he *HTTPError
	if errors.As(err, &he) {
		switch he.Status {
		case 400, 404, 405, 409, 422:
			return true
		}
	}
	return false
}

// RetryAfter returns how long the vendor asked to wait (zero if it did not).
func RetryAfter(err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}

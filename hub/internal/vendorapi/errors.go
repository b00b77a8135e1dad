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
)

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
	if errors.Is(err, ErrNotSettable) || errors.Is(err, ErrUnknownUser) {
		return true
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

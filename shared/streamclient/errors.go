package streamclient

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/coder/websocket"
)

var (
	// ErrSignInRequired means the hub refused the token (HTTP 401 before the upgrade) or revoked the
	// device (close status 4401). Run returns it, wrapped with the cause, and does not reconnect: the
	// user must sign in again (pair anew) and a new Client be run with the new token.
	ErrSignInRequired = errors.New("streamclient: sign-in required")
	// ErrStopped answers requests once Run has returned because its context ended (or, wrapped with
	// the cause, because HubURL is invalid).
	ErrStopped = errors.New("streamclient: client stopped")
	// ErrConnectionLost answers a request whose connection dropped before the hub answered, after the
	// one retry on the next connection, or at once for SetStatus("previous"), which is not retried
	// because applying it twice would flip the status back.
	ErrConnectionLost = errors.New("streamclient: connection lost before the hub answered")
)

// statusSignInRequired is the close status with which the hub ends the stream of a revoked device or
// of a token that is no longer valid.
const statusSignInRequired websocket.StatusCode = 4401

// StreamError is the hub's refusal of a request (a phv1.StreamError); find it with errors.As.
type StreamError struct {
	RequestID string
	// Code is one of "not_settable", "blocked", "unknown_status", "forbidden", "not_found", "invalid".
	Code string
	// Reason is meant for people, e.g. "On a call".
	Reason string
}

func (e *StreamError) Error() string {
	if e.Reason == "" {
		return "hub refused the request: " + e.Code
	}
	return fmt.Sprintf("hub refused the request: %s: %s", e.Code, e.Reason)
}

// handshakeError is a non-101 answer to the websocket upgrade.
type handshakeError struct {
	status int
	err    error
}

func (e *handshakeError) Error() string {
	return fmt.Sprintf("hub answered HTTP %d %s", e.status, http.StatusText(e.status))
}

func (e *handshakeError) Unwrap() error { return e.err }

// disposition is what Run does after a connection ends.
type disposition int

const (
	// reconnect after a backoff delay; the new connection's Snapshot replaces all state.
	reconnect disposition = iota
	// stop and report ErrSignInRequired.
	signIn
)

// classify decides what to do after a connection ended with err: 401 before the upgrade and close
// status 4401 need a sign-in; everything else, including StatusPolicyViolation (1008, the hub dropping
// a client that reads too slowly) and the hub going away, is worth a reconnect.
func classify(err error) disposition {
	if errors.Is(err, ErrSignInRequired) {
		return signIn
	}
	if he, ok := errors.AsType[*handshakeError](err); ok && he.status == http.StatusUnauthorized {
		return signIn
	}
	if websocket.CloseStatus(err) == statusSignInRequired {
		return signIn
	}
	return reconnect
}

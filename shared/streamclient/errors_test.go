package streamclient

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/coder/websocket"
)

func TestClassify(t *testing.T) {
	closed := func(code websocket.StatusCode) error {
		return fmt.Errorf("reading from hub: %w", websocket.CloseError{Code: code, Reason: "x"})
	}
	refused := func(status int) error {
		return fmt.Errorf("dialing hub: %w", &handshakeError{status: status, err: errors.New("failed to WebSocket dial")})
	}
	for _, tc := range []struct {
		name string
		err  error
		want disposition
	}{
		{"401 before the upgrade", refused(http.StatusUnauthorized), signIn},
		{"close 4401 (revoked)", closed(statusSignInRequired), signIn},
		{"no token", fmt.Errorf("%w: no token", ErrSignInRequired), signIn},
		{"close 1008 (too slow)", closed(websocket.StatusPolicyViolation), reconnect},
		{"close 1001 (hub going away)", closed(websocket.StatusGoingAway), reconnect},
		{"close 1000", closed(websocket.StatusNormalClosure), reconnect},
		{"close 1011", closed(websocket.StatusInternalError), reconnect},
		{"close 4400 (other app code)", closed(4400), reconnect},
		{"403 before the upgrade", refused(http.StatusForbidden), reconnect},
		{"503 before the upgrade", refused(http.StatusServiceUnavailable), reconnect},
		{"network error", fmt.Errorf("reading from hub: %w", io.ErrUnexpectedEOF), reconnect},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("%s: classify = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStreamErrorIsFoundThroughWrapping(t *testing.T) {
	err := fmt.Errorf("setting status %q: %w", "lunch", &StreamError{RequestID: "r1", Code: "blocked", Reason: "On a call"})
	se, ok := errors.AsType[*StreamError](err)
	if !ok || se.Code != "blocked" || se.Reason != "On a call" {
		t.Fatalf("errors.As(%v) = %v, %v", err, se, ok)
	}
	if got, want := err.Error(), `setting status "lunch": hub refused the request: blocked: On a call`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestHandshakeErrorMessage(t *testing.T) {
	err := &handshakeError{status: http.StatusUnauthorized}
	if got, want := err.Error(), "hub answered HTTP 401 Unauthorized"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

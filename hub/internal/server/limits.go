package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Limits bound what one client may hold of the server. Zero values take the defaults below.
type Limits struct {
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	MaxHeaderBytes, MaxBodyBytes           int
}

func (l Limits) withDefaults() Limits {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.ReadTimeout, 30*time.Second)
	def(&l.WriteTimeout, time.Minute)
	def(&l.IdleTimeout, 2*time.Minute)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 4 << 20
	}
	return l
}

// tooLargeMessage says what a refused body exceeded.
func tooLargeMessage(limit int) string {
	return fmt.Sprintf("request body is larger than %d bytes (http.max_body_bytes)", limit)
}

// limitBody reads every HTTP/1 and REST body before anything else looks at the request — before
// authentication and before decoding — and refuses one over limit with 413 without reading the rest.
// gRPC requests are bounded by the gRPC server's own receive limit, set to the same value.
func limitBody(limit int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || isGRPC(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > int64(limit) {
			writeTooLarge(w, limit)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			writeTooLarge(w, limit)
			return
		case err != nil:
			http.Error(w, `{"code":3,"message":"reading the request body failed"}`, http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

func writeTooLarge(w http.ResponseWriter, limit int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Connection", "close") // the rest of the body is not read
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = fmt.Fprintf(w, `{"code":%d,"message":%q,"details":[]}`, codes.ResourceExhausted, tooLargeMessage(limit))
}

func isGRPC(r *http.Request) bool {
	return r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc")
}

// messageTooLarge: the gRPC server refused a message over its receive limit (a REST body that grew
// when encoded, or a gRPC client's). It is a 413, not the 429 other ResourceExhausted codes are.
func messageTooLarge(st *status.Status) bool {
	return st.Code() == codes.ResourceExhausted && strings.Contains(st.Message(), "larger than max")
}

// Unbounded lifts the read and write timeouts for h's requests: the websocket stream lives for hours
// and is kept honest by its own heartbeat instead.
func Unbounded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})
}

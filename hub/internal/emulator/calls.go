package emulator

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"
)

// Call is one request an emulator received.
type Call struct {
	Method string
	Path   string
	Query  string
	Body   string
	Status int
	// Start is when the request arrived, Time when its answer was complete.
	Start, Time time.Time
}

// Recorder records calls; it wraps an emulator's handler.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Wrap records every request through next.
func (r *Recorder) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		req.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, req)
		r.mu.Lock()
		r.calls = append(r.calls, Call{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Body: string(body), Status: sw.status, Start: start, Time: time.Now()})
		r.mu.Unlock()
	})
}

// Calls returns a copy of the calls so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiClient calls the hub's REST API in-process: a real HTTP request through the same handler (and so
// the same authentication, authorisation, validation and audit) as any client's, with the session's key.
type apiClient struct{ h http.Handler }

// apiError is an answer of the API other than 2xx.
type apiError struct {
	Status  int
	Message string
	Fields  map[string]string // field -> description, from the BadRequest detail
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

// do sends method path (under /v1) with body in encoded as JSON, decoding a 2xx answer into out.
func (c apiClient) do(ctx context.Context, key, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	c.h.ServeHTTP(rec, req)
	if rec.status/100 != 2 {
		return decodeError(rec.status, rec.body.Bytes())
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, path, err)
	}
	return nil
}

// decodeError reads the gateway's error body: {"code", "message", "details": [BadRequest...]}.
func decodeError(status int, body []byte) *apiError {
	var st struct {
		Message string `json:"message"`
		Details []struct {
			FieldViolations []struct {
				Field       string `json:"field"`
				Description string `json:"description"`
			} `json:"field_violations"`
		} `json:"details"`
	}
	e := &apiError{Status: status, Fields: map[string]string{}}
	if json.Unmarshal(body, &st) != nil {
		e.Message = strings.TrimSpace(string(body))
		return e
	}
	e.Message = st.Message
	for _, d := range st.Details {
		for _, v := range d.FieldViolations {
			f := strings.TrimPrefix(v.Field, "rule.")
			f = strings.TrimPrefix(f, "connection.")
			if e.Fields[f] != "" {
				e.Fields[f] += "; "
			}
			e.Fields[f] += v.Description
		}
	}
	return e
}

// recorder is the in-process response.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

package httpconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// maxAnswer bounds one answer (one page of users).
const maxAnswer = 8 << 20

// answer is a vendor's successful answer.
type answer struct {
	url    *url.URL
	status int
	header http.Header
	body   []byte
}

// send performs a request template with v; target, when set, replaces the template's URL (a next
// link). Non-2xx answers are *vendorapi.HTTPError (401 and 403 also ErrAuth), returned with the answer.
// Errors never hold a credential value.
func (a *Adapter) send(ctx context.Context, r Request, v variables, target *url.URL) (*answer, error) {
	u := target
	if u == nil {
		var err error
		if u, err = renderURL(a.base, r.URL, v); err != nil {
			return nil, a.clean(fmt.Errorf("building the URL: %w", err))
		}
	}
	body, err := renderBody(r.Body, v)
	if err != nil {
		return nil, a.clean(fmt.Errorf("building the body: %w", err))
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), rd)
	if err != nil {
		return nil, a.clean(fmt.Errorf("building the request: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	if body != "" && strings.HasPrefix(strings.TrimSpace(body), "{") {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, tpl := range r.Headers {
		val, err := renderHeader(tpl, v)
		if err != nil {
			return nil, a.clean(fmt.Errorf("building header %s: %w", name, err))
		}
		req.Header.Set(name, val)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, a.clean(fmt.Errorf("%s %s: %w", r.Method, u.Path, err))
	}
	defer resp.Body.Close()
	a.observeRate(resp.Header)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, a.clean(fmt.Errorf("%s %s: reading the answer: %w", r.Method, u.Path, err))
	}
	ans := &answer{url: u, status: resp.StatusCode, header: resp.Header, body: raw}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := &vendorapi.HTTPError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After")), Body: a.snippet(raw, 300)}
		path := a.redact.Replace(u.Path)
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return ans, fmt.Errorf("%s %s: %w: %w", r.Method, path, vendorapi.ErrAuth, he)
		}
		return ans, fmt.Errorf("%s %s: %w", r.Method, path, he)
	}
	return ans, nil
}

// redactedError keeps an error's chain (for errors.Is) but not its words, which may hold a credential.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// clean removes credential values from err's message.
func (a *Adapter) clean(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) {
		return err // built from redacted parts
	}
	return &redactedError{msg: a.redact.Replace(err.Error()), err: errors.Unwrap(err)}
}

// snippet is the start of an answer, without credential values.
func (a *Adapter) snippet(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return a.redact.Replace(s)
}

// observeRate reports X-RateLimit-* (or RateLimit-*) headers: Reset is a delay in seconds, or a UNIX
// time when it is that large.
func (a *Adapter) observeRate(h http.Header) {
	if a.onRate == nil {
		return
	}
	for _, prefix := range []string{"X-RateLimit-", "RateLimit-"} {
		rem := h.Get(prefix + "Remaining")
		if rem == "" {
			continue
		}
		rl := vendorapi.RateLimit{}
		rl.Limit, _ = strconv.Atoi(h.Get(prefix + "Limit"))
		rl.Remaining, _ = strconv.Atoi(rem)
		if v, err := strconv.ParseInt(h.Get(prefix+"Reset"), 10, 64); err == nil && v > 0 {
			if v > 1_000_000_000 {
				rl.Reset = time.Unix(v, 0)
			} else {
				rl.Reset = time.Now().Add(time.Duration(v) * time.Second)
			}
		}
		a.onRate(rl)
		return
	}
}

// retryAfter reads Retry-After in seconds or as an HTTP date.
func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

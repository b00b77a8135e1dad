package vendorapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"presencehub.dev/hub/internal/outbound"
)

// RateHeaders names a vendor's rate-limit response headers.
type RateHeaders struct {
	Limit, Remaining, Reset string
	// Used names a header counting the requests spent in the window, for vendors that send it instead
	// of Remaining (Remaining = Limit − Used).
	Used string
	// ResetIsDelay: Reset holds seconds to wait rather than a UNIX time.
	ResetIsDelay bool
}

// Client is the small JSON-over-HTTP client adapters share: base URL, auth, error mapping, Retry-After
// and rate-limit headers.
type Client struct {
	BaseURL string
	HTTP    *http.Client
	// Authorize sets the request's credentials.
	Authorize   func(*http.Request)
	Rate        RateHeaders
	OnRateLimit func(RateLimit)
}

// NewClient prepares a client from an adapter's config.
func NewClient(cfg Config, authorize func(*http.Request), rate RateHeaders) *Client {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = outbound.Strict()
	}
	return &Client{BaseURL: strings.TrimRight(cfg.BaseURL, "/"), HTTP: hc, Authorize: authorize, Rate: rate, OnRateLimit: cfg.OnRateLimit}
}

// Do sends in (JSON, nil for none) to path (relative to BaseURL, or absolute) and decodes the answer
// into out (nil to discard). Non-2xx answers are *HTTPError; 401 and 403 also match ErrAuth.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	url := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		url = c.BaseURL + path
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Authorize != nil {
		c.Authorize(req)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	c.observeRate(resp.Header)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading answer: %w", method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After")), Body: snippet(raw)}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return fmt.Errorf("%s %s: %w: %w", method, req.URL.Path, ErrAuth, he)
		}
		return fmt.Errorf("%s %s: %w", method, req.URL.Path, he)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decoding answer: %w", method, req.URL.Path, err)
		}
	}
	return nil
}

func (c *Client) observeRate(h http.Header) {
	if c.OnRateLimit == nil {
		return
	}
	rl := RateLimit{}
	rl.Limit, _ = strconv.Atoi(h.Get(c.Rate.Limit))
	switch {
	case c.Rate.Remaining != "" && h.Get(c.Rate.Remaining) != "":
		rl.Remaining, _ = strconv.Atoi(h.Get(c.Rate.Remaining))
	case c.Rate.Used != "" && h.Get(c.Rate.Used) != "" && rl.Limit > 0:
		used, _ := strconv.Atoi(h.Get(c.Rate.Used))
		rl.Remaining = max(0, rl.Limit-used)
	default:
		return
	}
	if v, err := strconv.ParseInt(h.Get(c.Rate.Reset), 10, 64); err == nil && v > 0 {
		if c.Rate.ResetIsDelay {
			rl.Reset = time.Now().Add(time.Duration(v) * time.Second)
		} else {
			rl.Reset = time.Unix(v, 0)
		}
	}
	c.OnRateLimit(rl)
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

package servicenow

import (
	"context"
	"net/http"

	"presencehub.dev/hub/internal/outbound"
)

// headersKey carries, in a request's context, where to put its response's headers.
type headersKey struct{}

// withHeaders wraps a client so that a request's response headers can be read back (see
// captureHeaders; the shared JSON client returns bodies only), and so that a 429 naming a limit also
// says nothing remains (ServiceNow sends no X-RateLimit-Remaining).
func withHeaders(hc *http.Client) *http.Client {
	if hc == nil {
		hc = outbound.Strict()
	}
	out := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = headerTransport{base}
	return &out
}

type headerTransport struct{ base http.RoundTripper }

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("X-RateLimit-Limit") != "" && resp.Header.Get("X-RateLimit-Remaining") == "" {
		resp.Header.Set("X-RateLimit-Remaining", "0")
	}
	if dst, ok := r.Context().Value(headersKey{}).(*http.Header); ok {
		*dst = resp.Header.Clone()
	}
	return resp, nil
}

// captureHeaders returns a context whose request's response headers land in h.
func captureHeaders(ctx context.Context, h *http.Header) context.Context {
	return context.WithValue(ctx, headersKey{}, h)
}

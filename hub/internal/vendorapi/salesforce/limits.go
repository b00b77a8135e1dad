package salesforce

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"presencehub.dev/hub/internal/outbound"
	"presencehub.dev/hub/internal/vendorapi"
)

// limitTransport reports the Sforce-Limit-Info header of every answer ("api-usage=18/100000").
type limitTransport struct {
	base   http.RoundTripper
	onRate func(vendorapi.RateLimit)
}

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		if rl, ok := parseLimitInfo(resp.Header.Get("Sforce-Limit-Info")); ok {
			t.onRate(rl)
		}
	}
	return resp, err
}

// observeLimits returns a copy of hc whose answers report the request allocation to onRate (hc itself
// when onRate is nil).
func observeLimits(hc *http.Client, onRate func(vendorapi.RateLimit)) *http.Client {
	if onRate == nil {
		return hc
	}
	if hc == nil {
		hc = outbound.Strict()
	}
	c := *hc
	if c.Timeout == 0 {
		c.Timeout = vendorapiTimeout
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = limitTransport{base: base, onRate: onRate}
	return &c
}

// vendorapiTimeout matches the shared client's default.
const vendorapiTimeout = 15 * time.Second

// parseLimitInfo reads "api-usage=USED/MAX" (other parts, such as "per-app-api-usage", are ignored).
// Salesforce does not say when the rolling allocation frees up, so Reset stays zero.
func parseLimitInfo(v string) (vendorapi.RateLimit, bool) {
	for _, part := range strings.Split(v, ";") {
		usage, ok := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !ok {
			continue
		}
		var used, limit int
		if _, err := fmt.Sscanf(usage, "%d/%d", &used, &limit); err != nil || limit <= 0 {
			return vendorapi.RateLimit{}, false
		}
		return vendorapi.RateLimit{Limit: limit, Remaining: max(limit-used, 0)}, true
	}
	return vendorapi.RateLimit{}, false
}

// httpErr is the vendor's answer inside err, if any.
func httpErr(err error) *vendorapi.HTTPError {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return nil
}

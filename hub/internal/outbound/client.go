package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Timeout bounds one request (connect, send, read) unless the caller's context ends sooner.
const Timeout = 15 * time.Second

// maxRedirects bounds the redirects followed.
const maxRedirects = 5

// NewClient returns an HTTP client whose every connection — first request and redirects — goes only
// where p allows. Environment proxies are not used: the address checked must be the one reached.
func NewClient(p Policy) (*http.Client, error) {
	c, err := p.compile()
	if err != nil {
		return nil, fmt.Errorf("outbound policy: %w", err)
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: dialer.Timeout, KeepAlive: dialer.KeepAlive, Control: c.control}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrRefused, addr, err)
		}
		if c.hostAllowed(host) {
			return dialer.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr) // Control sees each resolved address
	}
	tr.MaxResponseHeaderBytes = 64 << 10
	return &http.Client{Timeout: Timeout, Transport: tr, CheckRedirect: checkRedirect}, nil
}

// MustClient is NewClient for policies known to be valid (constants, tests).
func MustClient(p Policy) *http.Client {
	hc, err := NewClient(p)
	if err != nil {
		panic(err)
	}
	return hc
}

// strict is the client of callers given none: public addresses only.
var strict = MustClient(Policy{})

// Strict returns the shared client that reaches public addresses only.
func Strict() *http.Client { return strict }

// control runs after resolution, before each connect: the address actually dialed is checked.
func (c *compiled) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q is not an address", ErrRefused, address)
	}
	return c.check(ap.Addr())
}

// checkRedirect allows a few http(s) redirects; each one's connection is checked when dialed.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRefused, maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: redirect to a %q URL", ErrRefused, req.URL.Scheme)
	}
	return nil
}

// Refused reports whether err is (or wraps) a refusal by the policy.
func Refused(err error) bool { return errors.Is(err, ErrRefused) }

// Package clientip decides the client address that throttles count, the same way on REST, direct
// gRPC and the stream: the socket's peer, or — only when that peer is a configured trusted proxy —
// the nearest untrusted hop named by Forwarded (RFC 7239) or X-Forwarded-For. A client cannot choose
// its own address by sending those headers (or gRPC metadata) itself.
package clientip

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver knows which peers are trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// New trusts the forwarding headers of peers inside trusted.
func New(trusted []netip.Prefix) *Resolver { return &Resolver{trusted: trusted} }

type ctxKey struct{}

// WithAddr records the client address of the request ctx belongs to.
func WithAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, ctxKey{}, addr)
}

// FromContext is the recorded client address ("unknown" when none was).
func FromContext(ctx context.Context) string {
	if a, ok := ctx.Value(ctxKey{}).(string); ok && a != "" {
		return a
	}
	return "unknown"
}

// Middleware records each HTTP request's client address in its context.
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(w, req.WithContext(WithAddr(req.Context(), r.Resolve(req.RemoteAddr, req.Header.Values("Forwarded"), req.Header.Values("X-Forwarded-For")))))
	})
}

// Resolve returns the client address of a request from peer (host:port or host) carrying the given
// Forwarded and X-Forwarded-For header values.
func (r *Resolver) Resolve(peer string, forwarded, xff []string) string {
	addr, ok := parseHost(peer)
	if !ok {
		return hostOnly(peer)
	}
	if !r.isTrusted(addr) {
		return addr.String()
	}
	var hops []string
	if len(forwarded) > 0 {
		hops = forwardedFor(forwarded)
	} else {
		for _, v := range xff {
			for _, h := range strings.Split(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	// Walk from the nearest hop back: the first one not a trusted proxy is the client.
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHost(hops[i])
		if !ok {
			break // garbage (or "unknown", an obfuscated name): trust nothing further
		}
		client = a
		if !r.isTrusted(a) {
			break
		}
	}
	return client.String()
}

func (r *Resolver) isTrusted(a netip.Addr) bool {
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the for= values of Forwarded header values, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(strings.TrimSpace(val), `"`))
				}
			}
		}
	}
	return out
}

// parseHost reads "1.2.3.4", "1.2.3.4:5", "[::1]:5" or "::1".
func parseHost(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

func hostOnly(peer string) string {
	if h, _, err := net.SplitHostPort(peer); err == nil {
		return h
	}
	return peer
}

// ThrottleKey is what a per-client throttle counts: the address, or for IPv6 its /64 (one subscriber
// commonly holds a whole /64).
func ThrottleKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Is4() {
		return addr
	}
	p, _ := a.Prefix(64)
	return p.String()
}

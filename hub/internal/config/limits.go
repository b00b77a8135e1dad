package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"presencehub.dev/hub/internal/outbound"
)

// Outbound limits where the hub's requests on a tenant's behalf (vendor adapters, the HTTP connector,
// dry runs, token endpoints) may go. Public addresses always; others only when allowed here.
type Outbound struct {
	// AllowPrivate allows loopback, link-local, private, unique-local and CGNAT addresses (development).
	AllowPrivate bool `yaml:"allow_private"`
	// Allow lists CIDRs, addresses or host names that may be reached although not public.
	Allow []string `yaml:"allow"`
}

// Policy is the outbound policy these settings describe.
func (o Outbound) Policy() outbound.Policy {
	return outbound.Policy{AllowPrivate: o.AllowPrivate, Allow: o.Allow}
}

// HTTP bounds what one client may hold of the server.
type HTTP struct {
	// ReadTimeout bounds reading one request, headers and body.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds answering one request (not the websocket stream, which has its heartbeat).
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes a keep-alive connection with no request for this long.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxHeaderBytes bounds a request's headers.
	MaxHeaderBytes int `yaml:"max_header_bytes"`
	// MaxBodyBytes bounds a request's body (REST and gRPC messages alike), checked before
	// authentication and decoding.
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// TrustedProxies are the peers (CIDRs or addresses) whose Forwarded / X-Forwarded-For headers name
	// the client; from anyone else those headers are ignored and the socket's address is the client's.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// DefaultHTTP are the built-in server limits.
func DefaultHTTP() HTTP {
	return HTTP{ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10, MaxBodyBytes: 4 << 20, TrustedProxies: []string{}}
}

// Proxies parses TrustedProxies.
func (h HTTP) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, p := range h.TrustedProxies {
		p = strings.TrimSpace(p)
		if pf, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pf.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			errs = append(errs, fmt.Errorf("http.trusted_proxies %q: want a CIDR or an address", p))
		}
	}
	return out, errors.Join(errs...)
}

// check validates the limits.
func (h HTTP) check() []error {
	var errs []error
	if h.ReadTimeout <= 0 || h.WriteTimeout <= 0 || h.IdleTimeout <= 0 {
		errs = append(errs, errors.New("http.read_timeout, write_timeout and idle_timeout must be positive"))
	}
	if h.MaxHeaderBytes < 4<<10 {
		errs = append(errs, fmt.Errorf("http.max_header_bytes %d: want at least 4096", h.MaxHeaderBytes))
	}
	if h.MaxBodyBytes < 64<<10 {
		errs = append(errs, fmt.Errorf("http.max_body_bytes %d: want at least 65536", h.MaxBodyBytes))
	}
	if _, err := h.Proxies(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// Package outbound is the one policy for requests the hub makes on a tenant's behalf: vendor adapters,
// the generic HTTP connector and its dry runs, OAuth token endpoints. The address is checked after DNS
// resolution, when the socket is dialed (so a name cannot resolve to a public address when checked and
// a private one when used), on the first request and on every redirect. Loopback, link-local (cloud
// metadata), private, unique-local, CGNAT and other special ranges are refused unless the hub's
// configuration allows them.
package outbound

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrRefused wraps every refused destination.
var ErrRefused = errors.New("outbound request refused")

// Policy says which destinations are allowed besides public unicast addresses.
type Policy struct {
	// AllowPrivate allows every address (development, a hub inside a trusted network).
	AllowPrivate bool
	// Allow lists CIDRs ("10.1.0.0/16"), addresses ("127.0.0.1") or host names ("crm.internal") that
	// may be reached although their address is not public. A host name is trusted whatever it resolves to.
	Allow []string
}

// compiled is a Policy ready to check addresses.
type compiled struct {
	all      bool
	prefixes []netip.Prefix
	hosts    map[string]bool
}

// compile checks p's entries.
func (p Policy) compile() (*compiled, error) {
	c := &compiled{all: p.AllowPrivate, hosts: map[string]bool{}}
	var errs []error
	for _, e := range p.Allow {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
			errs = append(errs, errors.New("an empty entry"))
		case strings.Contains(e, "/"):
			pf, err := netip.ParsePrefix(e)
			if err != nil {
				errs = append(errs, fmt.Errorf("%q: not a CIDR", e))
				continue
			}
			c.prefixes = append(c.prefixes, pf.Masked())
		default:
			if a, err := netip.ParseAddr(e); err == nil {
				c.prefixes = append(c.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			c.hosts[strings.ToLower(strings.TrimSuffix(e, "."))] = true
		}
	}
	return c, errors.Join(errs...)
}

// Validate reports entries of Allow that are neither a CIDR, an address nor a host name.
func (p Policy) Validate() error {
	_, err := p.compile()
	return err
}

// hostAllowed: the name was allowed by the configuration.
func (c *compiled) hostAllowed(host string) bool {
	return c.all || c.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// check refuses addr unless it is public or allowed.
func (c *compiled) check(addr netip.Addr) error {
	addr = addr.Unmap()
	if c.all {
		return nil
	}
	for _, p := range c.prefixes {
		if p.Contains(addr) {
			return nil
		}
	}
	if why := special(addr); why != "" {
		return fmt.Errorf("%w: %s is %s (allow it in outbound.allow if this hub must reach it)", ErrRefused, addr, why)
	}
	return nil
}

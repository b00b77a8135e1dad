package clientip_test

import (
	"net/netip"
	"testing"

	"presencehub.dev/hub/internal/clientip"
)

func TestResolve(t *testing.T) {
	r := clientip.New([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")})
	cases := []struct {
		name, peer     string
		forwarded, xff []string
		want           string
	}{
		{"untrusted peer's headers are ignored", "203.0.113.9:5555", nil, []string{"1.2.3.4"}, "203.0.113.9"},
		{"untrusted peer's Forwarded is ignored", "203.0.113.9:5555", []string{"for=1.2.3.4"}, nil, "203.0.113.9"},
		{"trusted proxy: nearest untrusted hop", "10.1.1.1:443", nil, []string{"6.6.6.6, 1.2.3.4"}, "1.2.3.4"},
		{"chain of trusted proxies is skipped", "10.1.1.1:443", nil, []string{"6.6.6.6, 1.2.3.4, 10.2.2.2"}, "1.2.3.4"},
		{"several header lines in order", "10.1.1.1:443", nil, []string{"6.6.6.6", "1.2.3.4"}, "1.2.3.4"},
		{"Forwarded wins, IPv6 quoted with port", "[::1]:80", []string{`for=6.6.6.6, for="[2001:db8::7]:4711";proto=https`}, []string{"9.9.9.9"}, "2001:db8::7"},
		{"garbage stops the walk", "10.1.1.1:443", nil, []string{"1.2.3.4, nonsense"}, "10.1.1.1"},
		{"no headers: the proxy itself", "10.1.1.1:443", nil, nil, "10.1.1.1"},
		{"mapped IPv4 peer", "[::ffff:203.0.113.9]:1", nil, nil, "203.0.113.9"},
	}
	for _, c := range cases {
		if got := r.Resolve(c.peer, c.forwarded, c.xff); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if k := clientip.ThrottleKey("2001:db8:1:2:3:4:5:6"); k != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 throttle key %q", k)
	}
	if k := clientip.ThrottleKey("203.0.113.9"); k != "203.0.113.9" {
		t.Errorf("IPv4 throttle key %q", k)
	}
}

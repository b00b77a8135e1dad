package outbound_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/outbound"
)

func get(t *testing.T, hc *http.Client, url string) error {
	t.Helper()
	resp, err := hc.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestRefusesNonPublicAddresses dials real listeners: loopback is refused by default, by address
// and by a name resolving to it (checked when dialed), and allowed only when configured.
func TestRefusesNonPublicAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]

	strict := outbound.Strict()
	for _, u := range []string{srv.URL, "http://localhost" + port, "http://[::ffff:127.0.0.1]" + port} {
		if err := get(t, strict, u); !outbound.Refused(err) {
			t.Errorf("GET %s: %v, want refused", u, err)
		}
	}
	for _, p := range []outbound.Policy{{AllowPrivate: true}, {Allow: []string{"127.0.0.0/8"}}, {Allow: []string{"127.0.0.1"}}} {
		if err := get(t, outbound.MustClient(p), srv.URL); err != nil {
			t.Errorf("policy %+v: %v, want allowed", p, err)
		}
	}
	if err := get(t, outbound.MustClient(outbound.Policy{Allow: []string{"localhost"}}), "http://localhost"+port); err != nil {
		t.Errorf("allowed host name: %v", err)
	}
}

// TestChecksEveryRedirect: an allowed host redirecting to a refused address is not followed.
func TestChecksEveryRedirect(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("secret")) }))
	t.Cleanup(internal.Close)
	front := httptest.NewServer(http.RedirectHandler(internal.URL, http.StatusFound))
	t.Cleanup(front.Close)
	hc := outbound.MustClient(outbound.Policy{Allow: []string{"localhost"}})
	frontByName := "http://localhost" + front.URL[strings.LastIndex(front.URL, ":"):]
	if err := get(t, hc, frontByName); !outbound.Refused(err) {
		t.Fatalf("redirect to %s: %v, want refused", internal.URL, err)
	}
}

func TestSpecialRanges(t *testing.T) {
	hc := outbound.Policy{}
	if err := hc.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (outbound.Policy{Allow: []string{"10.0.0.0/33"}}).Validate(); err == nil {
		t.Fatal("a bad CIDR was accepted")
	}
	refused := []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.100.100.200",
		"0.0.0.0", "::1", "fe80::1", "fd00:ec2::254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "224.0.0.1"}
	for _, a := range refused {
		if !outbound.IsSpecial(netip.MustParseAddr(a)) {
			t.Errorf("%s is not refused", a)
		}
	}
	for _, a := range []string{"8.8.8.8", "2606:4700::1111", "1.1.1.1"} {
		if outbound.IsSpecial(netip.MustParseAddr(a)) {
			t.Errorf("public %s is refused", a)
		}
	}
}

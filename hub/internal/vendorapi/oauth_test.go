package vendorapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/hub/internal/vendorapi/salesforce"
	"presencehub.dev/hub/internal/vendorapi/servicenow"
	"presencehub.dev/hub/internal/vendorapi/talkdesk"
)

const (
	testSecret   = "s3cr3t-client-value"
	testPassword = "pa55-user-value"
)

type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// TestOAuthRefusalsNameNoSecret: a token endpoint refusing the client is vendorapi.ErrAuth, the token
// request goes through the connection's HTTP client, and neither the refusal nor a transport failure
// carries the client secret or the password.
func TestOAuthRefusalsNameNoSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
	}))
	t.Cleanup(srv.Close)
	adapters := map[string]func(base string, hc *http.Client) (vendorapi.Adapter, error){
		"talkdesk": func(base string, hc *http.Client) (vendorapi.Adapter, error) {
			return talkdesk.New(vendorapi.Config{BaseURL: base, HTTPClient: hc, Settings: map[string]string{"token_url": "/oauth/token"},
				Credentials: map[string]string{"client_id": "i", "client_secret": testSecret}})
		},
		"servicenow": func(base string, hc *http.Client) (vendorapi.Adapter, error) {
			return servicenow.New(vendorapi.Config{BaseURL: base, HTTPClient: hc,
				Credentials: map[string]string{"username": "u", "password": testPassword, "client_id": "i", "client_secret": testSecret}})
		},
		"salesforce": func(base string, hc *http.Client) (vendorapi.Adapter, error) {
			return salesforce.New(vendorapi.Config{BaseURL: base, HTTPClient: hc,
				Credentials: map[string]string{"username": "u", "password": testPassword, "client_id": "i", "client_secret": testSecret}})
		},
	}
	for name, build := range adapters {
		ct := &countingTransport{base: srv.Client().Transport}
		a, err := build(srv.URL, &http.Client{Transport: ct})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, err = a.GetState(context.Background(), "005000000000001AAA")
		if !errors.Is(err, vendorapi.ErrAuth) {
			t.Errorf("%s: refused client: %v; want ErrAuth", name, err)
		}
		if err != nil && (strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testPassword)) {
			t.Errorf("%s: error names a secret: %v", name, err)
		}
		if ct.n.Load() == 0 {
			t.Errorf("%s: the token request did not go through the connection's HTTP client", name)
		}

		down := &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection refused") })}
		a, err = build(srv.URL, down)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err = a.GetState(context.Background(), "005000000000001AAA"); err == nil || strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testPassword) {
			t.Errorf("%s: unreachable token endpoint: %v; want an error naming no secret", name, err)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

package api

import (
	"net"
	"net/url"
	"strings"
)

// endpoint is where a connection's credentials go: scheme, host and port of its base URL. Credentials
// are bound to it, so moving a connection elsewhere needs them given again.
func endpoint(baseURL string) string {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimSpace(baseURL)) // not a URL: compared as written
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port)
}

// endpointChanged reports whether credentials given for before would now be sent somewhere else.
func endpointChanged(before, after string) bool { return endpoint(before) != endpoint(after) }

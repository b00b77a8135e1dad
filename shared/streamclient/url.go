package streamclient

import (
	"fmt"
	"net/url"
	"strings"
)

// streamPath is where the hub serves the stream, below any path prefix of the hub URL.
const streamPath = "/v1/stream"

// streamURL derives the stream's websocket URL from the hub's base URL: http becomes ws, https becomes
// wss (ws and wss are kept), "/v1/stream" is appended to any path prefix (a hub behind a reverse proxy at
// https://example.com/presence), and any query or fragment is replaced by ?tenant=<tenant> when tenant
// is set (the hub needs it with a hub-wide API key).
func streamURL(hubURL, tenant string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(hubURL))
	if err != nil {
		return "", fmt.Errorf("parsing hub URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("parsing hub URL %q: scheme must be http or https", hubURL)
	}
	if u.Host == "" {
		return "", fmt.Errorf("parsing hub URL %q: no host", hubURL)
	}
	if u.User != nil {
		return "", fmt.Errorf("parsing hub URL %q: credentials belong in the token, not the URL", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/") + streamPath
	u.RawPath = ""
	u.RawQuery = ""
	if tenant != "" {
		u.RawQuery = url.Values{"tenant": {tenant}}.Encode()
	}
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String(), nil
}

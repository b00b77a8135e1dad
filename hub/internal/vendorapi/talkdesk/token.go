package talkdesk

import (
	"context"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
)

// newTokens gets tokens by the client-credentials grant through the connection's HTTP client (an
// invalid_scope refusal is a credentials error too).
func newTokens(cfg vendorapi.Config, tokenURL, id, secret, scopes string) *vendorapi.OAuthTokens {
	return vendorapi.ClientCredentials(cfg.HTTPClient, "talkdesk", tokenURL, id, secret, strings.Fields(scopes), "invalid_scope")
}

// do sends an API request with a fresh token (one new token and one retry on a 401).
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	return a.tokens.Do(ctx, a.client, method, path, in, out)
}

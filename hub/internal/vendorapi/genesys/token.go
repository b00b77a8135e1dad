package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"presencehub.dev/hub/internal/vendorapi"
)

// newTokens gets tokens by the client-credentials grant through the connection's HTTP client. Genesys
// gives no refresh token: a new grant each time.
func newTokens(cfg vendorapi.Config, tokenURL, id, secret string) *vendorapi.OAuthTokens {
	return vendorapi.ClientCredentials(cfg.HTTPClient, "genesys", tokenURL, id, secret, nil)
}

// do sends an API request with a fresh token (one new token and one retry on a 401).
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	return a.tokens.Do(ctx, a.client, method, path, in, out)
}

// userErr marks a 404 about a user as vendorapi.ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}

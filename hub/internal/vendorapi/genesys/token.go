package genesys

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"presencehub.dev/hub/internal/vendorapi"
)

// newTokens gets tokens by the client-credentials grant (golang.org/x/oauth2/clientcredentials, the
// client authenticated with Basic) through the connection's HTTP client. Genesys gives no refresh
// token: a new grant each time.
func newTokens(cfg vendorapi.Config, tokenURL, id, secret string) *vendorapi.OAuthTokens {
	cc := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader}
	return vendorapi.NewOAuthTokens(cfg.HTTPClient, func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		tok, err := cc.Token(ctx)
		if err != nil {
			he, code := vendorapi.TokenError(err)
			switch {
			case he == nil:
				return nil, fmt.Errorf("requesting a genesys token: %w", err)
			case he.Status == http.StatusUnauthorized, code == "invalid_client", code == "unauthorized_client":
				return nil, fmt.Errorf("requesting a genesys token: %w: %s: %w", vendorapi.ErrAuth, code, he)
			}
			return nil, fmt.Errorf("requesting a genesys token: %w", he)
		}
		if tok.Expiry.IsZero() {
			return nil, errors.New("requesting a genesys token: the answer has no expires_in")
		}
		return tok, nil
	})
}

// do sends an API request with a fresh token; a 401 (the token was revoked or expired early) gets
// one new token and one retry.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	tok, err := a.tokens.Token(ctx)
	if err != nil {
		return err
	}
	err = a.client.Do(ctx, method, path, in, out)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		a.tokens.Invalidate(tok.AccessToken)
		if _, err := a.tokens.Token(ctx); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, path, in, out)
	}
	return err
}

// userErr marks a 404 about a user as vendorapi.ErrUnknownUser, keeping the HTTP error.
func userErr(err error) error {
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", vendorapi.ErrUnknownUser, err)
	}
	return err
}

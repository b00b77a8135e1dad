package vendorapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ClientCredentials holds the tokens of the OAuth 2.0 client-credentials grant (golang.org/x/oauth2's
// clientcredentials, the client authenticated with Basic) through the connection's HTTP client.
// vendor names the vendor in errors; a refused client (401, invalid_client, unauthorized_client or
// one of refusals) is ErrAuth; an answer without expires_in is refused (the token could not be renewed
// in time).
func ClientCredentials(hc *http.Client, vendor, tokenURL, id, secret string, scopes []string, refusals ...string) *OAuthTokens {
	cc := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, Scopes: scopes, AuthStyle: oauth2.AuthStyleInHeader}
	refused := append([]string{"invalid_client", "unauthorized_client"}, refusals...)
	return NewOAuthTokens(hc, func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		tok, err := cc.Token(ctx)
		if err != nil {
			he, code := TokenError(err)
			switch {
			case he == nil:
				return nil, fmt.Errorf("requesting a %s token: %w", vendor, err)
			case he.Status == http.StatusUnauthorized, slices.Contains(refused, code):
				return nil, fmt.Errorf("requesting a %s token: %w: %s: %w", vendor, ErrAuth, code, he)
			}
			return nil, fmt.Errorf("requesting a %s token: %w", vendor, he)
		}
		if tok.Expiry.IsZero() {
			return nil, fmt.Errorf("requesting a %s token: the answer has no expires_in", vendor)
		}
		return tok, nil
	})
}

// Do sends an API request through client with a fresh token; a 401 (the token was revoked or expired
// early) gets one new token and one retry.
func (o *OAuthTokens) Do(ctx context.Context, client *Client, method, path string, in, out any) error {
	tok, err := o.Token(ctx)
	if err != nil {
		return err
	}
	err = client.Do(ctx, method, path, in, out)
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		o.Invalidate(tok.AccessToken)
		if _, err := o.Token(ctx); err != nil {
			return err
		}
		err = client.Do(ctx, method, path, in, out)
	}
	return err
}

package teams

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"presencehub.dev/hub/internal/vendorapi"
)

// GraphScope is the client-credentials scope: the app's granted application permissions.
const GraphScope = "https://graph.microsoft.com/.default"

// delegatedScopes are what the delegated sign-in needs for presence subscriptions.
var delegatedScopes = []string{"https://graph.microsoft.com/Presence.Read.All", "offline_access"}

// appTokens gets app-only tokens by the client-credentials grant, the client authenticated in the
// form body (Entra's client_secret_post).
func appTokens(cfg vendorapi.Config, tokenURL, id, secret string) *vendorapi.OAuthTokens {
	cc := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, Scopes: []string{GraphScope},
		AuthStyle: oauth2.AuthStyleInParams}
	return vendorapi.NewOAuthTokens(cfg.HTTPClient, func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		return checked("client credentials", func() (*oauth2.Token, error) { return cc.Token(ctx) })
	})
}

// delegatedTokens gets a signed-in user's tokens by the refresh-token grant; Entra may hand back a
// new refresh token, which the next grant uses (the configured one after a restart).
func delegatedTokens(cfg vendorapi.Config, tokenURL, id, secret, refresh string) *vendorapi.OAuthTokens {
	conf := &oauth2.Config{ClientID: id, ClientSecret: secret, Scopes: delegatedScopes,
		Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	return vendorapi.NewOAuthTokens(cfg.HTTPClient, func(ctx context.Context, held *oauth2.Token) (*oauth2.Token, error) {
		rt := refresh
		if held != nil && held.RefreshToken != "" {
			rt = held.RefreshToken
		}
		return checked("refresh token", func() (*oauth2.Token, error) {
			return conf.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
		})
	})
}

// checked runs a grant and names its refusal: a refused client, secret or refresh token is
// vendorapi.ErrAuth.
func checked(grant string, get func() (*oauth2.Token, error)) (*oauth2.Token, error) {
	tok, err := get()
	if err != nil {
		he, code := vendorapi.TokenError(err)
		switch {
		case he == nil:
			return nil, fmt.Errorf("requesting a microsoft graph token (%s): %w", grant, err)
		case he.Status == http.StatusUnauthorized, code == "invalid_client", code == "unauthorized_client", code == "invalid_grant", code == "invalid_scope",
			unknownTenant(he):
			return nil, fmt.Errorf("requesting a microsoft graph token (%s): %w: %s: %w", grant, vendorapi.ErrAuth, code, he)
		}
		return nil, fmt.Errorf("requesting a microsoft graph token (%s): %w", grant, he)
	}
	if tok.Expiry.IsZero() {
		return nil, errors.New("requesting a microsoft graph token: the answer has no expires_in")
	}
	return tok, nil
}

// unknownTenant reports Entra's refusal of a tenant id that names no tenant (AADSTS90002, or 900023
// for one that is not a tenant id or domain): the credentials' tenant is wrong, like a wrong secret.
func unknownTenant(he *vendorapi.HTTPError) bool {
	return he.Status == http.StatusBadRequest && (strings.Contains(he.Body, "AADSTS90002:") || strings.Contains(he.Body, "AADSTS900023:"))
}

// do sends a Graph request with a fresh app-only token.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	return a.with(ctx, a.app, method, path, in, out)
}

// subDo sends a subscriptions request: with the delegated token when one is configured.
func (a *Adapter) subDo(ctx context.Context, method, path string, in, out any) error {
	tokens := a.app
	if a.delegated != nil {
		tokens = a.delegated
	}
	return a.with(ctx, tokens, method, path, in, out)
}

// with sends a request authorized by tokens; a 401 (revoked or expired early) gets one new token and
// one retry.
func (a *Adapter) with(ctx context.Context, tokens *vendorapi.OAuthTokens, method, path string, in, out any) error {
	tok, err := tokens.Token(ctx)
	if err != nil {
		return err
	}
	c := *a.client
	c.Authorize = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok.AccessToken) }
	err = c.Do(ctx, method, path, in, out)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		tokens.Invalidate(tok.AccessToken)
		if tok, err = tokens.Token(ctx); err != nil {
			return err
		}
		err = c.Do(ctx, method, path, in, out)
	}
	return err
}

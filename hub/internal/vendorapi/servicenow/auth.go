package servicenow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"presencehub.dev/hub/internal/vendorapi"
)

// auth authorizes requests: Basic with the user's credentials, or with an OAuth client a bearer token
// from the password grant, kept fresh by the refresh-token grant a little before it expires (the
// password grant again when the refresh token is refused). The grants are golang.org/x/oauth2's,
// form-encoded on oauth_token.do with the client in the form.
type auth struct {
	user, pass string
	conf       *oauth2.Config         // nil for Basic auth
	tokens     *vendorapi.OAuthTokens // nil for Basic auth
}

func newAuth(cfg vendorapi.Config) *auth {
	c := cfg.Credentials
	a := &auth{user: c[CredUsername], pass: c[CredPassword]}
	if c[CredClientID] != "" {
		a.conf = &oauth2.Config{ClientID: c[CredClientID], ClientSecret: c[CredClientSecret],
			Endpoint: oauth2.Endpoint{TokenURL: strings.TrimRight(cfg.BaseURL, "/") + "/oauth_token.do", AuthStyle: oauth2.AuthStyleInParams}}
		a.tokens = vendorapi.NewOAuthTokens(cfg.HTTPClient, a.grant)
	}
	return a
}

func (a *auth) oauth() bool { return a.tokens != nil }

func (a *auth) authorize(r *http.Request) {
	if !a.oauth() {
		r.SetBasicAuth(a.user, a.pass)
		return
	}
	a.tokens.Authorize(r)
}

// grant refreshes the held token, or signs in with the password grant when there is no refresh
// token or it is refused.
func (a *auth) grant(ctx context.Context, held *oauth2.Token) (*oauth2.Token, error) {
	if held != nil && held.RefreshToken != "" {
		tok, err := a.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: held.RefreshToken}).Token()
		tok, err = checked("refresh_token", tok, err)
		if err == nil || !errors.Is(err, vendorapi.ErrAuth) {
			return tok, err
		}
		// refused (expired or revoked): sign in again
	}
	tok, err := a.conf.PasswordCredentialsToken(ctx, a.user, a.pass)
	return checked("password", tok, err)
}

// checked maps a token endpoint's refusal (401, 403: vendorapi.ErrAuth) and wants an expiry.
func checked(grant string, tok *oauth2.Token, err error) (*oauth2.Token, error) {
	if err != nil {
		he, _ := vendorapi.TokenError(err)
		switch {
		case he == nil:
			return nil, fmt.Errorf("requesting a servicenow token (%s): %w", grant, err)
		case he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden:
			return nil, fmt.Errorf("requesting a servicenow token (%s): %w: %w", grant, vendorapi.ErrAuth, he)
		}
		return nil, fmt.Errorf("requesting a servicenow token (%s): %w", grant, he)
	}
	if tok.Expiry.IsZero() {
		return nil, errors.New("requesting a servicenow token: the answer has no expires_in")
	}
	return tok, nil
}

// do sends an API request, authorized; with OAuth a 401 gets one new token and one retry.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	if !a.auth.oauth() {
		return a.client.Do(ctx, method, path, in, out)
	}
	tok, err := a.auth.tokens.Token(ctx)
	if err != nil {
		return err
	}
	err = a.client.Do(ctx, method, path, in, out)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		a.auth.tokens.Invalidate(tok.AccessToken)
		if _, err := a.auth.tokens.Token(ctx); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, path, in, out)
	}
	return err
}

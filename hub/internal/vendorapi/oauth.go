package vendorapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"presencehub.dev/hub/internal/outbound"
)

// Grant gets a new token from a vendor's OAuth 2.0 token endpoint with golang.org/x/oauth2 (ctx
// carries the connection's HTTP client as oauth2.HTTPClient). held is the token held before, possibly
// without an access token (refused) but with a refresh token; nil at first.
type Grant func(ctx context.Context, held *oauth2.Token) (*oauth2.Token, error)

// OAuthTokens holds a connection's OAuth 2.0 access token: it gets a new one through the grant when
// none is held or a tenth of its life (at most a minute) remains; a token without an expiry is kept
// until the API refuses it (Invalidate). Token requests go through the connection's HTTP client (the
// outbound policy and the connection's gate), with the caller's context.
type OAuthTokens struct {
	http  *http.Client
	grant Grant
	turn  Turn // one grant at a time

	mu      sync.Mutex
	tok     *oauth2.Token
	renewAt time.Time // zero: no expiry
}

// NewOAuthTokens prepares the token holder; a nil client is the strict outbound client.
func NewOAuthTokens(hc *http.Client, grant Grant) *OAuthTokens {
	if hc == nil {
		hc = outbound.Strict()
	}
	return &OAuthTokens{http: hc, grant: grant, turn: NewTurn()}
}

// Token returns a live access token, getting a new one when needed.
func (o *OAuthTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	if tok := o.live(); tok != nil {
		return tok, nil
	}
	if err := o.turn.Take(ctx); err != nil {
		return nil, err
	}
	defer o.turn.Give()
	if tok := o.live(); tok != nil {
		return tok, nil // another caller got one while this one waited
	}
	o.mu.Lock()
	held := o.tok
	o.mu.Unlock()
	tok, err := o.grant(context.WithValue(ctx, oauth2.HTTPClient, o.http), held)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tok, o.renewAt = tok, time.Time{}
	if !tok.Expiry.IsZero() {
		life := time.Until(tok.Expiry)
		o.renewAt = tok.Expiry.Add(-min(time.Minute, life/10))
	}
	return tok, nil
}

// live returns the held access token while it needs no renewal (nil otherwise).
func (o *OAuthTokens) live() *oauth2.Token {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != nil && o.tok.AccessToken != "" && (o.renewAt.IsZero() || time.Now().Before(o.renewAt)) {
		return o.tok
	}
	return nil
}

// Invalidate drops the access token the API refused, unless it has been replaced meanwhile; a
// refresh token is kept for the next grant.
func (o *OAuthTokens) Invalidate(refused string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != nil && o.tok.AccessToken == refused {
		o.tok = &oauth2.Token{RefreshToken: o.tok.RefreshToken}
	}
}

// Authorize sets the held access token as the request's bearer token.
func (o *OAuthTokens) Authorize(r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != nil {
		r.Header.Set("Authorization", "Bearer "+o.tok.AccessToken)
	}
}

// TokenError returns the token endpoint's refusal in err as an *HTTPError (status, Retry-After, the
// answer's body; never the request, so no secret) and its OAuth error code, or nil when err is not a
// refusal (a transport error, an unreadable answer).
func TokenError(err error) (*HTTPError, string) {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return nil, ""
	}
	return &HTTPError{Status: re.Response.StatusCode, RetryAfter: parseRetryAfter(re.Response.Header.Get("Retry-After")), Body: snippet(re.Body)}, re.ErrorCode
}

package salesforce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// grant signs in on the My Domain token endpoint with golang.org/x/oauth2: the client-credentials
// flow, or the username-password flow when a username is given (the client in the form either way).
// Salesforce sends no expires_in and no refresh token: the session is kept until it is refused.
func (a *Adapter) grant(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	id, secret, tokenURL := a.creds[CredClientID], a.creds[CredClientSecret], a.baseURL+"/services/oauth2/token"
	grant := "client_credentials"
	var tok *oauth2.Token
	var err error
	if a.creds[CredUsername] != "" {
		grant = "password"
		conf := oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		tok, err = conf.PasswordCredentialsToken(ctx, a.creds[CredUsername], a.creds[CredPassword])
	} else {
		cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}
		tok, err = cc.Token(ctx)
	}
	if err != nil {
		he, code := vendorapi.TokenError(err)
		switch {
		case he == nil:
			return nil, fmt.Errorf("signing in to salesforce: %w", err)
		case he.Status == http.StatusBadRequest || he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden:
			// The token endpoint answers 400 for wrong credentials; no HTTPError in the chain, so the
			// sync framework keeps retrying (an admin may fix the credentials) instead of dropping writes.
			var re *oauth2.RetrieveError
			errors.As(err, &re)
			return nil, fmt.Errorf("signing in to salesforce (%s): %w: %s %s", grant, vendorapi.ErrAuth, code, re.ErrorDescription)
		}
		return nil, fmt.Errorf("signing in to salesforce: %w", he)
	}
	a.log.Debug("signed in to salesforce", slog.String(logkey.Vendor, "salesforce"), slog.String(logkey.URL, a.instance(tok)))
	return tok, nil
}

// instance is the session's instance URL (the My Domain when the answer names none).
func (a *Adapter) instance(tok *oauth2.Token) string {
	if s, _ := tok.Extra("instance_url").(string); strings.TrimRight(s, "/") != "" {
		return strings.TrimRight(s, "/")
	}
	return a.baseURL
}

// do sends one REST request (path relative to the instance, or a nextRecordsUrl), signing in when
// needed and once more when the session has expired (401 INVALID_SESSION_ID). A spent request
// allocation (403 REQUEST_LIMIT_EXCEEDED) is answered as the contract's rate-limit error: 429 with a
// Retry-After.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	tok, err := a.tokens.Token(ctx)
	if err != nil {
		return err
	}
	err = a.client.Do(ctx, method, a.instance(tok)+path, in, out)
	if he := httpErr(err); he != nil && he.Status == http.StatusUnauthorized {
		a.log.Debug("salesforce session expired; signing in again", slog.String(logkey.Vendor, "salesforce"))
		a.tokens.Invalidate(tok.AccessToken)
		if tok, err = a.tokens.Token(ctx); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, a.instance(tok)+path, in, out)
	}
	if he := httpErr(err); he != nil && he.Status == http.StatusForbidden && strings.Contains(he.Body, "REQUEST_LIMIT_EXCEEDED") {
		return fmt.Errorf("salesforce request allocation spent: %w", &vendorapi.HTTPError{Status: http.StatusTooManyRequests, RetryAfter: limitWait, Body: he.Body})
	}
	return err
}

// dataPath is a path under the REST API version.
func (a *Adapter) dataPath(rest string) string { return "/services/data/" + a.version + rest }

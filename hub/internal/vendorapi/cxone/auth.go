package cxone

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// bearer returns a live token, signing in when there is none or it is about to expire.
func (a *Adapter) bearer(ctx context.Context) (string, error) {
	a.mu.Lock()
	tok, exp := a.token, a.expires
	a.mu.Unlock()
	if tok != "" && time.Until(exp) > renewBefore {
		return tok, nil
	}
	if err := a.signIn(ctx, tok); err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token, nil
}

// signIn exchanges the access key for a token, unless another request replaced stale meanwhile.
func (a *Adapter) signIn(ctx context.Context, stale string) error {
	if err := a.signTurn.Take(ctx); err != nil {
		return fmt.Errorf("waiting to sign in to cxone: %w", err)
	}
	defer a.signTurn.Give()
	a.mu.Lock()
	current, exp := a.token, a.expires
	a.mu.Unlock()
	if current != "" && current != stale && time.Until(exp) > renewBefore {
		return nil
	}
	in := map[string]string{"accessKeyId": a.keyID, "accessKeySecret": a.secret}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err := a.client.Do(ctx, http.MethodPost, a.tokenURL, in, &out)
	if he := httpErr(err); he != nil && he.Status >= 400 && he.Status < 500 && he.Status != http.StatusTooManyRequests {
		// A refused key is an auth problem an admin can fix: retried, never a dropped write.
		return fmt.Errorf("signing in to cxone with access key: %w (%d %s)", vendorapi.ErrAuth, he.Status, he.Body)
	}
	if err != nil {
		return fmt.Errorf("signing in to cxone with access key: %w", err)
	}
	if out.AccessToken == "" {
		return fmt.Errorf("signing in to cxone: the answer has no access_token")
	}
	if out.ExpiresIn <= 0 {
		out.ExpiresIn = 3600
	}
	a.mu.Lock()
	a.token, a.expires = out.AccessToken, time.Now().Add(time.Duration(out.ExpiresIn)*time.Second)
	a.mu.Unlock()
	a.log.Debug("signed in to cxone", slog.String(logkey.Vendor, "cxone"))
	return nil
}

// do sends one API request (path under /inContactAPI/services/vN.0), signing in when needed and once
// more when the token is refused.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	tok, err := a.bearer(ctx)
	if err != nil {
		return err
	}
	err = a.client.Do(ctx, method, a.api+path, in, out)
	if he := httpErr(err); he != nil && he.Status == http.StatusUnauthorized {
		a.log.Debug("cxone token refused; signing in again", slog.String(logkey.Vendor, "cxone"))
		if err := a.signIn(ctx, tok); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, a.api+path, in, out)
	}
	return err
}

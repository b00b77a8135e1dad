package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// session returns the instance URL of a live session, signing in first if there is none.
func (a *Adapter) session(ctx context.Context) (instance, token string, err error) {
	a.mu.Lock()
	instance, token = a.instance, a.token
	a.mu.Unlock()
	if token != "" {
		return instance, token, nil
	}
	if err := a.signIn(ctx, ""); err != nil {
		return "", "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.instance, a.token, nil
}

// signIn gets a new access token from the My Domain token endpoint, unless the session has already
// been replaced since stale was read (another request re-authenticated meanwhile).
func (a *Adapter) signIn(ctx context.Context, stale string) error {
	a.signMu.Lock()
	defer a.signMu.Unlock()
	a.mu.Lock()
	current := a.token
	a.mu.Unlock()
	if current != "" && current != stale {
		return nil
	}
	form := url.Values{"client_id": {a.creds[CredClientID]}, "client_secret": {a.creds[CredClientSecret]}}
	grant := "client_credentials"
	if a.creds[CredUsername] != "" {
		grant = "password"
		form.Set("username", a.creds[CredUsername])
		form.Set("password", a.creds[CredPassword])
	}
	form.Set("grant_type", grant)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.baseURL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("building salesforce token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("signing in to salesforce: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(raw, &out)
	switch {
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		// The token endpoint answers 400 for wrong credentials; no HTTPError in the chain, so the sync
		// framework keeps retrying (an admin may fix the credentials) instead of dropping writes.
		return fmt.Errorf("signing in to salesforce (%s): %w: %s %s", grant, vendorapi.ErrAuth, out.Error, out.Description)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("signing in to salesforce: %w", &vendorapi.HTTPError{Status: resp.StatusCode, Body: strings.TrimSpace(string(raw))})
	case out.AccessToken == "":
		return fmt.Errorf("signing in to salesforce: the answer has no access_token")
	}
	instance := strings.TrimRight(out.InstanceURL, "/")
	if instance == "" {
		instance = a.baseURL
	}
	a.mu.Lock()
	a.token, a.instance = out.AccessToken, instance
	a.mu.Unlock()
	a.log.Debug("signed in to salesforce", slog.String(logkey.Vendor, "salesforce"), slog.String(logkey.URL, instance))
	return nil
}

// do sends one REST request (path relative to the instance, or a nextRecordsUrl), signing in when
// needed and once more when the session has expired. A spent request allocation
// (403 REQUEST_LIMIT_EXCEEDED) is answered as the contract's rate-limit error: 429 with a Retry-After.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	instance, token, err := a.session(ctx)
	if err != nil {
		return err
	}
	err = a.client.Do(ctx, method, instance+path, in, out)
	if he := httpErr(err); he != nil && he.Status == http.StatusUnauthorized {
		a.log.Debug("salesforce session expired; signing in again", slog.String(logkey.Vendor, "salesforce"))
		if err := a.signIn(ctx, token); err != nil {
			return err
		}
		instance, _, _ = a.session(ctx)
		err = a.client.Do(ctx, method, instance+path, in, out)
	}
	if he := httpErr(err); he != nil && he.Status == http.StatusForbidden && strings.Contains(he.Body, "REQUEST_LIMIT_EXCEEDED") {
		return fmt.Errorf("salesforce request allocation spent: %w", &vendorapi.HTTPError{Status: http.StatusTooManyRequests, RetryAfter: limitWait, Body: he.Body})
	}
	return err
}

// dataPath is a path under the REST API version.
func (a *Adapter) dataPath(rest string) string { return "/services/data/" + a.version + rest }

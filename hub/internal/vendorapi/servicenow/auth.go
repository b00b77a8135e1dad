package servicenow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/vendorapi"
)

// auth authorizes requests: Basic with the user's credentials, or with an OAuth client a bearer token
// from the password grant, kept fresh by the refresh-token grant a little before it expires (the
// password grant again when the refresh token is refused).
type auth struct {
	http                             *http.Client
	tokenURL                         string
	user, pass, clientID, clientSecr string

	mu      sync.Mutex
	access  string
	refresh string
	renewAt time.Time
}

func newAuth(cfg vendorapi.Config) *auth {
	c := cfg.Credentials
	return &auth{http: cfg.HTTPClient, tokenURL: strings.TrimRight(cfg.BaseURL, "/") + "/oauth_token.do",
		user: c[CredUsername], pass: c[CredPassword], clientID: c[CredClientID], clientSecr: c[CredClientSecret]}
}

func (a *auth) oauth() bool { return a.clientID != "" }

// ensure makes sure a fresh access token is held (no-op for Basic auth).
func (a *auth) ensure(ctx context.Context) error {
	if !a.oauth() {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.access != "" && time.Now().Before(a.renewAt) {
		return nil
	}
	if a.refresh != "" {
		err := a.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a.refresh}})
		if err == nil || !errors.Is(err, vendorapi.ErrAuth) {
			return err
		}
		a.refresh = "" // refused (expired or revoked): sign in again
	}
	return a.grant(ctx, url.Values{"grant_type": {"password"}, "username": {a.user}, "password": {a.pass}})
}

// invalidate forgets the access token (the instance refused it).
func (a *auth) invalidate() {
	a.mu.Lock()
	a.access = ""
	a.mu.Unlock()
}

func (a *auth) authorize(r *http.Request) {
	if !a.oauth() {
		r.SetBasicAuth(a.user, a.pass)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	r.Header.Set("Authorization", "Bearer "+a.access)
}

// grant posts a form to oauth_token.do; mu must be held.
func (a *auth) grant(ctx context.Context, form url.Values) error {
	form.Set("client_id", a.clientID)
	form.Set("client_secret", a.clientSecr)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("building servicenow token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("requesting a servicenow token: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the servicenow token: %w", err)
	}
	var out struct {
		Access    string `json:"access_token"`
		Refresh   string `json:"refresh_token"`
		ExpiresIn int64  `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK {
		he := &vendorapi.HTTPError{Status: resp.StatusCode, Body: strings.TrimSpace(string(raw))}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return fmt.Errorf("requesting a servicenow token (%s): %w: %w", form.Get("grant_type"), vendorapi.ErrAuth, he)
		}
		return fmt.Errorf("requesting a servicenow token (%s): %w", form.Get("grant_type"), he)
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Access == "" || out.ExpiresIn <= 0 {
		return fmt.Errorf("requesting a servicenow token: the answer has no access_token or expires_in")
	}
	life := time.Duration(out.ExpiresIn) * time.Second
	a.access, a.renewAt = out.Access, time.Now().Add(life-min(time.Minute, life/10))
	if out.Refresh != "" {
		a.refresh = out.Refresh
	}
	return nil
}

// do sends an API request, authorized; with OAuth a 401 gets one new token and one retry.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	if err := a.auth.ensure(ctx); err != nil {
		return err
	}
	err := a.client.Do(ctx, method, path, in, out)
	var he *vendorapi.HTTPError
	if a.auth.oauth() && errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		a.auth.invalidate()
		if err := a.auth.ensure(ctx); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, path, in, out)
	}
	return err
}

package talkdesk

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

	"presencehub.dev/hub/internal/outbound"
	"presencehub.dev/hub/internal/vendorapi"
)

// tokenSource gets and keeps an access token by the client-credentials grant, fetching a new one a
// little before the current one expires (a tenth of its life, at most a minute).
type tokenSource struct {
	http                 *http.Client
	url, id, secret, scp string

	mu      sync.Mutex
	token   string
	refresh time.Time // when to fetch the next token
}

func newTokenSource(cfg vendorapi.Config, tokenURL, id, secret, scopes string) *tokenSource {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = outbound.Strict()
	}
	return &tokenSource{http: hc, url: tokenURL, id: id, secret: secret, scp: scopes}
}

// ensure makes sure a fresh token is held.
func (ts *tokenSource) ensure(ctx context.Context) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && time.Now().Before(ts.refresh) {
		return nil
	}
	return ts.fetch(ctx)
}

// invalidate forgets the token (the API refused it).
func (ts *tokenSource) invalidate() {
	ts.mu.Lock()
	ts.token = ""
	ts.mu.Unlock()
}

// authorize sets the bearer token on an API request.
func (ts *tokenSource) authorize(r *http.Request) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	r.Header.Set("Authorization", "Bearer "+ts.token)
}

// fetch asks the token endpoint for a token; mu must be held. A refused client is vendorapi.ErrAuth.
func (ts *tokenSource) fetch(ctx context.Context) error {
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {ts.scp}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.url, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("building talkdesk token request: %w", err)
	}
	req.SetBasicAuth(url.QueryEscape(ts.id), url.QueryEscape(ts.secret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := ts.http.Do(req)
	if err != nil {
		return fmt.Errorf("requesting a talkdesk token: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the talkdesk token: %w", err)
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode != http.StatusOK {
		he := &vendorapi.HTTPError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header), Body: strings.TrimSpace(string(raw))}
		switch {
		case resp.StatusCode == http.StatusUnauthorized, out.Error == "invalid_client", out.Error == "invalid_scope", out.Error == "unauthorized_client":
			return fmt.Errorf("requesting a talkdesk token: %w: %s: %w", vendorapi.ErrAuth, out.Error, he)
		}
		return fmt.Errorf("requesting a talkdesk token: %w", he)
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return errors.New("requesting a talkdesk token: the answer has no access_token or expires_in")
	}
	life := time.Duration(out.ExpiresIn) * time.Second
	ts.token, ts.refresh = out.AccessToken, time.Now().Add(life-min(time.Minute, life/10))
	return nil
}

// retryAfter reads a Retry-After in seconds (zero if absent or a date).
func retryAfter(h http.Header) time.Duration {
	var s int64
	if _, err := fmt.Sscan(h.Get("Retry-After"), &s); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// do sends an API request with a fresh token; a 401 (the token was revoked or expired early) gets
// one new token and one retry.
func (a *Adapter) do(ctx context.Context, method, path string, in, out any) error {
	if err := a.tokens.ensure(ctx); err != nil {
		return err
	}
	err := a.client.Do(ctx, method, path, in, out)
	var he *vendorapi.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
		a.tokens.invalidate()
		if err := a.tokens.ensure(ctx); err != nil {
			return err
		}
		err = a.client.Do(ctx, method, path, in, out)
	}
	return err
}

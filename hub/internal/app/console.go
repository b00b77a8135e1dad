package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/console"
)

// console builds the web console over the REST handler. Sign-in learns a key's tenant and role from
// the same authenticator the API uses; everything else goes through the API with that key.
func (a *App) console(authn *auth.Authenticator, secure bool) func(api http.Handler) (http.Handler, error) {
	identify := func(ctx context.Context, key string) (console.Identity, error) {
		p, err := authn.Authenticate(ctx, "Bearer "+key)
		if errors.Is(err, auth.ErrUnauthenticated) {
			return console.Identity{}, console.ErrUnknownKey
		}
		if err != nil {
			return console.Identity{}, fmt.Errorf("identifying the key: %w", err)
		}
		return console.Identity{TenantID: p.TenantID, Role: p.Role, Name: p.KeyName}, nil
	}
	return func(api http.Handler) (http.Handler, error) {
		return console.New(console.Options{API: api, Identify: identify, Log: a.log, Secure: secure})
	}
}

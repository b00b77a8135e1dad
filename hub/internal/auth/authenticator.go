package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// ErrUnauthenticated means no key, a malformed header or an unknown key.
var ErrUnauthenticated = errors.New("missing or invalid API key")

// keyStore is what the Authenticator needs from the store.
type keyStore interface {
	APIKeyByHash(ctx context.Context, hash string) (*model.APIKey, error)
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// Authenticator turns an Authorization header into a Principal.
type Authenticator struct {
	keys  keyStore
	log   *slog.Logger
	now   func() time.Time
	cache keyCache
	mu    sync.Mutex
	touch map[string]time.Time // key id -> last recorded use
}

// touchEvery bounds how often a key's last-use time is written.
const touchEvery = time.Minute

// NewAuthenticator returns an Authenticator over keys.
func NewAuthenticator(keys keyStore, log *slog.Logger) *Authenticator {
	return &Authenticator{keys: keys, log: log, now: time.Now, touch: map[string]time.Time{}}
}

// BearerToken extracts the token from an "Authorization: Bearer <token>" value.
func BearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// Authenticate checks the header and returns the caller.
func (a *Authenticator) Authenticate(ctx context.Context, header string) (*Principal, error) {
	token, ok := BearerToken(header)
	if !ok {
		return nil, ErrUnauthenticated
	}
	hash := Hash(token)
	k, ok, gen := a.cache.lookup(hash)
	if !ok {
		key, err := a.keys.APIKeyByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrUnauthenticated
		}
		if err != nil {
			return nil, fmt.Errorf("authenticating: %w", err)
		}
		a.cache.store(key, gen)
		k = cachedKey{id: key.ID, name: key.Name, tenantID: key.TenantID, role: key.Role}
	}
	a.recordUse(ctx, k.id)
	return &Principal{KeyID: k.id, KeyName: k.name, TenantID: k.tenantID, Role: k.role}, nil
}

// recordUse writes the key's last-use time at most once a minute.
func (a *Authenticator) recordUse(ctx context.Context, id string) {
	now := a.now()
	a.mu.Lock()
	last := a.touch[id]
	if now.Sub(last) < touchEvery {
		a.mu.Unlock()
		return
	}
	a.touch[id] = now
	a.mu.Unlock()
	if err := a.keys.TouchAPIKey(ctx, id, now); err != nil {
		a.log.WarnContext(ctx, "recording api key use", slog.String(logkey.APIKeyID, id), slog.Any(logkey.Error, err))
	}
}

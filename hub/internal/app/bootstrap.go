package app

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
)

// bootstrapKey makes sure a hub-wide admin key exists. With none stored it creates one from configured
// (PRESENCE_HUB_BOOTSTRAP_KEY) or, if that is empty, a fresh secret, and returns the secret so it can be
// shown once. It returns "" when a key already existed.
func bootstrapKey(ctx context.Context, st *store.DB, configured string) (string, error) {
	n, err := st.CountHubAdminKeys(ctx)
	if err != nil {
		return "", fmt.Errorf("checking bootstrap key: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	secret := configured
	if secret == "" {
		secret = auth.NewSecret()
	} else if len(secret) < auth.MinKeyLength {
		return "", fmt.Errorf("PRESENCE_HUB_BOOTSTRAP_KEY must be at least %d characters", auth.MinKeyLength)
	}
	k := &model.APIKey{
		ID: ids.New(ids.APIKey), Name: "bootstrap", Role: model.RoleAdmin,
		Prefix: auth.DisplayPrefix(secret), Hash: auth.Hash(secret),
	}
	if err := st.CreateAPIKey(ctx, k); err != nil {
		return "", fmt.Errorf("creating bootstrap key: %w", err)
	}
	return secret, nil
}

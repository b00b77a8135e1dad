package vendorsync

import (
	"context"
	"log/slog"

	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// forEachTenant calls fn for every tenant of the hub, page by page, until ctx ends.
func forEachTenant(ctx context.Context, st Store, log *slog.Logger, fn func(ctx context.Context, tenantID string)) {
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		tenants, next, err := st.ListTenants(ctx, p)
		if err != nil {
			log.Warn("listing tenants", slog.Any(logkey.Error, err))
			return
		}
		for _, t := range tenants {
			fn(ctx, t.ID)
		}
		if p.Token = next; next == "" || ctx.Err() != nil {
			return
		}
	}
}

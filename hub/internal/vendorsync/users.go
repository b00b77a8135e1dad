package vendorsync

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/vendorapi"
)

// Supports reports whether this hub has an adapter for vendor.
func (cs *connections) Supports(vendor string) bool { return cs.vendors[vendor].New != nil }

// ListUsers reads one page of a connection's vendor users through its adapter (cursor "" starts, a
// returned "" ends), paced like every request to that vendor: the connection's rate limit, and a pause
// when the vendor says its budget is spent or asks to retry later.
func (cs *connections) ListUsers(ctx context.Context, connectionID, cursor string) ([]vendorapi.User, string, error) {
	l, err := cs.get(ctx, connectionID)
	if err != nil {
		return nil, "", err
	}
	if err := l.wait(ctx); err != nil {
		return nil, "", err
	}
	users, next, err := l.adapter.ListUsers(ctx, cursor)
	now := cs.now()
	if err != nil {
		if ra := vendorapi.RetryAfter(err); ra > 0 {
			l.pause(now.Add(ra))
		}
		if ctx.Err() == nil {
			_ = cs.st.RecordError(ctx, l.conn.TenantID, connectionID, err.Error(), now)
		}
		return nil, "", fmt.Errorf("%w: %w", ErrVendor, err)
	}
	_ = cs.st.RecordSuccess(ctx, l.conn.TenantID, connectionID, now)
	return users, next, nil
}

package auth

import (
	"context"

	"presencehub.dev/hub/internal/model"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	KeyID    string
	KeyName  string
	TenantID string // empty for hub-wide keys
	Role     string
}

// HubWide reports whether the principal may act on every tenant.
func (p *Principal) HubWide() bool { return p.TenantID == "" }

// CanWrite reports whether the principal may change things.
func (p *Principal) CanWrite() bool { return p.Role == model.RoleAdmin }

// Actor is how the principal appears in audit records.
func (p *Principal) Actor() string { return "api_key:" + p.KeyID }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

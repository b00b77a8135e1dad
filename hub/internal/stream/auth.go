package stream

import (
	"context"
	"errors"
	"strings"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
)

// principal is who is on the other end of a stream.
type principal struct {
	tenantID   string
	agentID    string // empty for API-key supervisors
	deviceID   string
	supervisor bool
	name       string
}

var errTenantNeeded = errors.New("a hub-wide key must name the tenant: /v1/stream?tenant=<id>")

// authenticate accepts a device token, or an API key (admin or viewer) as a supervisor of its tenant.
func (s *Server) authenticate(ctx context.Context, header, tenant string) (*principal, error) {
	token, ok := auth.BearerToken(header)
	if !ok {
		return nil, auth.ErrUnauthenticated
	}
	if strings.HasPrefix(token, auth.DeviceTokenPrefix) {
		d, err := auth.AuthenticateDevice(ctx, s.st, header)
		if err != nil {
			return nil, err
		}
		return &principal{tenantID: d.TenantID, agentID: d.AgentID, deviceID: d.ID, supervisor: d.Supervisor, name: "device:" + d.ID}, nil
	}
	p, err := s.authn.Authenticate(ctx, header)
	if err != nil {
		return nil, err
	}
	switch {
	case !p.HubWide():
		tenant = p.TenantID
	case tenant == "" || !ids.HasPrefix(tenant, ids.Tenant):
		return nil, errTenantNeeded
	}
	return &principal{tenantID: tenant, supervisor: true, name: p.Actor()}, nil
}

// device reports whether the principal is a tray with an agent of its own.
func (p *principal) device() bool { return p.agentID != "" }

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
	tokenHash  string // the device's, for its entry in the device cache
	supervisor bool
	name       string
	authGen    uint64 // the device cache's generation when the token was checked
}

var errTenantNeeded = errors.New("a hub-wide key must name the tenant: /v1/stream?tenant=<id>")

// authenticate accepts a device token, or an API key (admin or viewer) as a supervisor of its tenant.
func (s *Server) authenticate(ctx context.Context, header, tenant string) (*principal, error) {
	token, ok := auth.BearerToken(header)
	if !ok {
		return nil, auth.ErrUnauthenticated
	}
	if strings.HasPrefix(token, auth.DeviceTokenPrefix) {
		gen := s.devices.generation()
		d, err := auth.AuthenticateDevice(ctx, cachedDevices{s}, header)
		if err != nil {
			return nil, err
		}
		return &principal{tenantID: d.TenantID, agentID: d.AgentID, deviceID: d.ID, tokenHash: d.TokenHash, supervisor: d.Supervisor,
			name: "device:" + d.ID, authGen: gen}, nil
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

// stillValid checks a device's token again, from the database, if the device cache dropped anything
// since the token was checked: a revocation handled meanwhile (which closes the device's registered
// streams) may have missed this stream, registered just after. Anything else is still valid.
func (s *Server) stillValid(ctx context.Context, who *principal) bool {
	if who.deviceID == "" || s.devices.generation() == who.authGen {
		return true
	}
	d, err := cachedDevices{s}.DeviceByTokenHash(ctx, who.tokenHash)
	return err == nil && d.ID == who.deviceID
}

// device reports whether the principal is a tray with an agent of its own.
func (p *principal) device() bool { return p.agentID != "" }

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"presencehub.dev/hub/internal/agentsync"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/seal"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendors"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// Limits on write-only credentials.
const (
	maxCredentials     = 20
	maxCredentialKey   = 100
	maxCredentialValue = 8000
)

// CreateConnection adds a vendor connection; its credentials are sealed before they reach the store.
func (s *Service) CreateConnection(ctx context.Context, req *phv1.CreateConnectionRequest) (*phv1.CreateConnectionResponse, error) {
	c := &model.Connection{ID: ids.New(ids.Connection), TenantID: tenantID(ctx), Enabled: true}
	applyConnection(c, req.GetConnection(), nil)
	creds := req.GetConnection().GetCredentials()
	fe := check(c)
	checkCredentials(fe, creds)
	checkSettings(fe, c)
	checkConnector(fe, c, slices.Sorted(maps.Keys(creds)))
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	generated, err := vendors.GenerateCredentials(c.Vendor, creds)
	if err != nil {
		return nil, fmt.Errorf("generating credentials: %w", err)
	}
	if len(generated) > 0 {
		creds = maps.Clone(creds)
		if creds == nil {
			creds = map[string]string{}
		}
		maps.Copy(creds, generated)
	}
	secret, err := s.sealCredentials(c, creds)
	if err != nil {
		return nil, err
	}
	if err := s.st.CreateConnection(ctx, c, secret); err != nil {
		return nil, err
	}
	noteObject(ctx, "connection", c.ID)
	return &phv1.CreateConnectionResponse{Connection: connectionProto(c), GeneratedCredentials: generated}, nil
}

// GetConnection reads one connection; credentials are never returned.
func (s *Service) GetConnection(ctx context.Context, req *phv1.GetConnectionRequest) (*phv1.GetConnectionResponse, error) {
	c, err := s.st.GetConnection(ctx, tenantID(ctx), req.GetConnectionId())
	if err != nil {
		return nil, err
	}
	out, err := s.connectionWithHealth(ctx, c)
	if err != nil {
		return nil, err
	}
	return &phv1.GetConnectionResponse{Connection: out}, nil
}

// ListConnections lists the tenant's connections.
func (s *Service) ListConnections(ctx context.Context, req *phv1.ListConnectionsRequest) (*phv1.ListConnectionsResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListConnections(ctx, tenantID(ctx), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListConnectionsResponse{NextPageToken: next}
	for _, c := range list {
		out, err := s.connectionWithHealth(ctx, c)
		if err != nil {
			return nil, err
		}
		resp.Connections = append(resp.Connections, out)
	}
	return resp, nil
}

// UpdateConnection changes a connection. Credentials named in the update replace the stored set whole.
func (s *Service) UpdateConnection(ctx context.Context, req *phv1.UpdateConnectionRequest) (*phv1.UpdateConnectionResponse, error) {
	c, err := s.st.GetConnection(ctx, tenantID(ctx), req.GetConnectionId())
	if err != nil {
		return nil, err
	}
	mask := maskPaths(req.GetUpdateMask().GetPaths())
	before := c.BaseURL
	applyConnection(c, req.GetConnection(), mask)
	creds := req.GetConnection().GetCredentials()
	fe := check(c)
	moved := endpointChanged(before, c.BaseURL)
	if moved && len(c.CredentialKeys) > 0 && !wants(mask, "credentials") {
		fe.add("credentials", "must be given again when base_url changes scheme, host or port: stored credentials are only sent where they were given for")
	}
	checkCredentials(fe, creds)
	checkSettings(fe, c)
	credKeys := c.CredentialKeys
	if wants(mask, "credentials") {
		credKeys = slices.Sorted(maps.Keys(creds))
	}
	checkConnector(fe, c, credKeys)
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	var secret *model.SealedSecret
	if wants(mask, "credentials") {
		if secret, err = s.sealCredentials(c, creds); err != nil {
			return nil, err
		}
		if secret == nil {
			secret = &model.SealedSecret{} // clears the stored credentials
		}
	}
	if err := s.st.UpdateConnection(ctx, c, secret); err != nil {
		return nil, err
	}
	noteObject(ctx, "connection", c.ID)
	if moved {
		noteAlso(ctx, actionEndpointChanged)
	}
	return &phv1.UpdateConnectionResponse{Connection: connectionProto(c)}, nil
}

// DeleteConnection removes a connection that no rule uses.
func (s *Service) DeleteConnection(ctx context.Context, req *phv1.DeleteConnectionRequest) (*phv1.DeleteConnectionResponse, error) {
	tenant := tenantID(ctx)
	if _, err := s.st.GetConnection(ctx, tenant, req.GetConnectionId()); err != nil {
		return nil, err
	}
	rules, _, err := s.st.ListRules(ctx, tenant, req.GetConnectionId(), store.Page{Size: 1})
	if err != nil {
		return nil, err
	}
	if len(rules) > 0 {
		return nil, inUse("connection is used by rule %q; delete the rule first", rules[0].Name)
	}
	if err := s.st.DeleteConnection(ctx, tenant, req.GetConnectionId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "connection", req.GetConnectionId())
	return &phv1.DeleteConnectionResponse{}, nil
}

// sealCredentials seals creds for c and records their names; nil when there are none.
func (s *Service) sealCredentials(c *model.Connection, creds map[string]string) (*model.SealedSecret, error) {
	c.CredentialKeys = slices.Sorted(maps.Keys(creds))
	if len(creds) == 0 {
		return nil, nil
	}
	plain, err := json.Marshal(creds)
	if err != nil {
		return nil, fmt.Errorf("encoding credentials: %w", err)
	}
	keyID, sealed, err := s.sealer.Seal(plain, seal.ConnectionOwner(c.TenantID, c.ID))
	if err != nil {
		return nil, fmt.Errorf("sealing credentials: %w", err)
	}
	return &model.SealedSecret{KeyID: keyID, Sealed: sealed}, nil
}

func checkCredentials(fe *fieldErrors, creds map[string]string) {
	if len(creds) > maxCredentials {
		fe.add("credentials", "must have at most %d entries", maxCredentials)
	}
	for _, k := range slices.Sorted(maps.Keys(creds)) {
		switch {
		case k == "" || len(k) > maxCredentialKey:
			fe.add("credentials", "keys must be 1-%d characters", maxCredentialKey)
		case creds[k] == "":
			fe.add("credentials["+k+"]", "must not be empty")
		case len(creds[k]) > maxCredentialValue:
			fe.add("credentials["+k+"]", "must be at most %d characters", maxCredentialValue)
		}
	}
}

// checkSettings checks the settings the hub itself reads (agent sync's).
func checkSettings(fe *fieldErrors, c *model.Connection) {
	_, bad := agentsync.ParseSettings(c.Settings, 0)
	for _, k := range slices.Sorted(maps.Keys(bad)) {
		fe.add("settings."+k, "%s", bad[k])
	}
}

func applyConnection(c *model.Connection, in *phv1.Connection, mask fieldMask) {
	if wants(mask, "name") {
		c.Name = in.GetName()
	}
	if wants(mask, "vendor") {
		c.Vendor = in.GetVendor()
	}
	if wants(mask, "base_url") {
		c.BaseURL = in.GetBaseUrl()
	}
	if wants(mask, "settings") {
		c.Settings = maps.Clone(in.GetSettings())
	}
	if wants(mask, "http_connector") {
		c.Spec = connectorSpec(in.GetHttpConnector())
	}
	if in.Enabled != nil && wants(mask, "enabled") {
		c.Enabled = in.GetEnabled()
	}
}

// connectionProto renders c for callers: credential values never leave the hub.
func connectionProto(c *model.Connection) *phv1.Connection {
	enabled := c.Enabled
	return &phv1.Connection{
		Id: c.ID, Name: c.Name, Vendor: c.Vendor, BaseUrl: c.BaseURL, Settings: c.Settings,
		CredentialsSet: len(c.CredentialKeys) > 0, CredentialKeys: c.CredentialKeys,
		CredentialsUpdateTime: ts(c.CredentialsUpdateTime), Enabled: &enabled,
		CreateTime: ts(c.CreateTime), UpdateTime: ts(c.UpdateTime), HttpConnector: connectorProto(c.Spec),
	}
}

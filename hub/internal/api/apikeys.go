package api

import (
	"context"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateApiKey makes a key for the tenant (or a hub-wide one without a tenant) and returns its secret once.
func (s *Service) CreateApiKey(ctx context.Context, req *phv1.CreateApiKeyRequest) (*phv1.CreateApiKeyResponse, error) {
	secret := auth.NewSecret()
	k := &model.APIKey{
		ID: ids.New(ids.APIKey), TenantID: tenantID(ctx), Name: req.GetApiKey().GetName(), Role: req.GetApiKey().GetRole(),
		Prefix: auth.DisplayPrefix(secret), Hash: auth.Hash(secret),
	}
	if err := check(k).orNil(); err != nil {
		return nil, err
	}
	if err := s.st.CreateAPIKey(ctx, k); err != nil {
		return nil, err
	}
	noteObject(ctx, "api_key", k.ID)
	return &phv1.CreateApiKeyResponse{ApiKey: apiKeyProto(k), Secret: secret}, nil
}

// GetApiKey reads a key (never its secret).
func (s *Service) GetApiKey(ctx context.Context, req *phv1.GetApiKeyRequest) (*phv1.GetApiKeyResponse, error) {
	k, err := s.st.GetAPIKey(ctx, tenantID(ctx), req.GetApiKeyId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetApiKeyResponse{ApiKey: apiKeyProto(k)}, nil
}

// ListApiKeys lists the tenant's keys, or the hub-wide ones without a tenant.
func (s *Service) ListApiKeys(ctx context.Context, req *phv1.ListApiKeysRequest) (*phv1.ListApiKeysResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListAPIKeys(ctx, tenantID(ctx), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListApiKeysResponse{NextPageToken: next}
	for _, k := range list {
		resp.ApiKeys = append(resp.ApiKeys, apiKeyProto(k))
	}
	return resp, nil
}

// DeleteApiKey revokes a key at once.
func (s *Service) DeleteApiKey(ctx context.Context, req *phv1.DeleteApiKeyRequest) (*phv1.DeleteApiKeyResponse, error) {
	if err := s.st.DeleteAPIKey(ctx, tenantID(ctx), req.GetApiKeyId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "api_key", req.GetApiKeyId())
	return &phv1.DeleteApiKeyResponse{}, nil
}

func apiKeyProto(k *model.APIKey) *phv1.ApiKey {
	return &phv1.ApiKey{
		Id: k.ID, Name: k.Name, TenantId: k.TenantID, Role: k.Role, Prefix: k.Prefix,
		CreateTime: ts(k.CreateTime), LastUseTime: ts(k.LastUseTime),
	}
}

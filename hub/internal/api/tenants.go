package api

import (
	"context"

	"presencehub.dev/hub/internal/auth"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateTenant creates a tenant (hub-wide keys only).
func (s *Service) CreateTenant(ctx context.Context, req *phv1.CreateTenantRequest) (*phv1.CreateTenantResponse, error) {
	t := &model.Tenant{ID: ids.New(ids.Tenant)}
	applyTenant(t, req.GetTenant(), nil)
	if err := check(t).orNil(); err != nil {
		return nil, err
	}
	if err := s.st.CreateTenant(ctx, t); err != nil {
		return nil, err
	}
	noteTenant(ctx, t.ID)
	noteObject(ctx, "tenant", t.ID)
	return &phv1.CreateTenantResponse{Tenant: tenantProto(t)}, nil
}

// GetTenant reads a tenant.
func (s *Service) GetTenant(ctx context.Context, _ *phv1.GetTenantRequest) (*phv1.GetTenantResponse, error) {
	t, err := s.st.GetTenant(ctx, tenantID(ctx))
	if err != nil {
		return nil, err
	}
	return &phv1.GetTenantResponse{Tenant: tenantProto(t)}, nil
}

// ListTenants lists every tenant for hub-wide keys, and only its own for a tenant key.
func (s *Service) ListTenants(ctx context.Context, req *phv1.ListTenantsRequest) (*phv1.ListTenantsResponse, error) {
	if p := auth.FromContext(ctx); !p.HubWide() {
		t, err := s.st.GetTenant(ctx, p.TenantID)
		if err != nil {
			return nil, err
		}
		return &phv1.ListTenantsResponse{Tenants: []*phv1.Tenant{tenantProto(t)}}, nil
	}
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListTenants(ctx, pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListTenantsResponse{NextPageToken: next}
	for _, t := range list {
		resp.Tenants = append(resp.Tenants, tenantProto(t))
	}
	return resp, nil
}

// UpdateTenant changes a tenant's name, display name or settings.
func (s *Service) UpdateTenant(ctx context.Context, req *phv1.UpdateTenantRequest) (*phv1.UpdateTenantResponse, error) {
	t, err := s.st.GetTenant(ctx, tenantID(ctx))
	if err != nil {
		return nil, err
	}
	applyTenant(t, req.GetBody(), maskPaths(req.GetUpdateMask().GetPaths()))
	fe := check(t)
	if st := t.Settings.DefaultUnavailableStatus; st != "" {
		if _, err := s.statusByName(ctx, t.ID, st); err != nil {
			fe.add("settings.default_unavailable_status", "no status named %q in the catalog", st)
		}
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	if err := s.st.UpdateTenant(ctx, t); err != nil {
		return nil, err
	}
	noteObject(ctx, "tenant", t.ID)
	return &phv1.UpdateTenantResponse{Tenant: tenantProto(t)}, nil
}

// DeleteTenant removes a tenant and everything in it (hub-wide keys only).
func (s *Service) DeleteTenant(ctx context.Context, _ *phv1.DeleteTenantRequest) (*phv1.DeleteTenantResponse, error) {
	if err := s.st.DeleteTenant(ctx, tenantID(ctx)); err != nil {
		return nil, err
	}
	noteObject(ctx, "tenant", tenantID(ctx))
	return &phv1.DeleteTenantResponse{}, nil
}

func applyTenant(t *model.Tenant, in *phv1.Tenant, mask fieldMask) {
	if wants(mask, "name") {
		t.Name = in.GetName()
	}
	if wants(mask, "display_name") {
		t.DisplayName = in.GetDisplayName()
	}
	set := in.GetSettings()
	if wantsSub(mask, "settings", "default_unavailable_status") {
		t.Settings.DefaultUnavailableStatus = set.GetDefaultUnavailableStatus()
	}
	if wantsSub(mask, "settings", "system_state_policy") {
		t.Settings.SystemStatePolicy = set.GetSystemStatePolicy()
	}
	if wantsSub(mask, "settings", "max_changes_per_minute") {
		t.Settings.MaxChangesPerMinute = set.GetMaxChangesPerMinute()
	}
}

func tenantProto(t *model.Tenant) *phv1.Tenant {
	policy := t.Settings.SystemStatePolicy
	if policy == "" {
		policy = "queue"
	}
	return &phv1.Tenant{
		Id: t.ID, Name: t.Name, DisplayName: t.DisplayName,
		Settings: &phv1.TenantSettings{
			DefaultUnavailableStatus: t.Settings.DefaultUnavailableStatus,
			SystemStatePolicy:        policy,
			MaxChangesPerMinute:      t.Settings.MaxChangesPerMinute,
		},
		CreateTime: ts(t.CreateTime), UpdateTime: ts(t.UpdateTime),
	}
}

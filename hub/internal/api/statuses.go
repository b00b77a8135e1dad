package api

import (
	"context"
	"fmt"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/protoconv"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateStatus adds a status to the tenant's catalog.
func (s *Service) CreateStatus(ctx context.Context, req *phv1.CreateStatusRequest) (*phv1.CreateStatusResponse, error) {
	st := &model.Status{ID: ids.New(ids.Status), TenantID: tenantID(ctx)}
	applyStatus(st, req.GetStatus(), nil)
	if err := s.checkStatus(ctx, st); err != nil {
		return nil, err
	}
	if err := s.st.CreateStatus(ctx, st); err != nil {
		return nil, err
	}
	noteObject(ctx, "status", st.ID)
	return &phv1.CreateStatusResponse{Status: statusProto(st)}, nil
}

// GetStatus reads one status.
func (s *Service) GetStatus(ctx context.Context, req *phv1.GetStatusRequest) (*phv1.GetStatusResponse, error) {
	st, err := s.st.GetStatus(ctx, tenantID(ctx), req.GetStatusId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetStatusResponse{Status: statusProto(st)}, nil
}

// ListStatuses lists the catalog.
func (s *Service) ListStatuses(ctx context.Context, req *phv1.ListStatusesRequest) (*phv1.ListStatusesResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListStatuses(ctx, tenantID(ctx), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListStatusesResponse{NextPageToken: next}
	for _, st := range list {
		resp.Statuses = append(resp.Statuses, statusProto(st))
	}
	return resp, nil
}

// UpdateStatus changes a status. Renaming one that rules or settings refer to is refused.
func (s *Service) UpdateStatus(ctx context.Context, req *phv1.UpdateStatusRequest) (*phv1.UpdateStatusResponse, error) {
	st, err := s.st.GetStatus(ctx, tenantID(ctx), req.GetStatusId())
	if err != nil {
		return nil, err
	}
	oldName := st.Name
	applyStatus(st, req.GetStatus(), maskPaths(req.GetUpdateMask().GetPaths()))
	if err := s.checkStatus(ctx, st); err != nil {
		return nil, err
	}
	if st.Name != oldName {
		if err := s.statusUnused(ctx, st.TenantID, oldName, "renamed"); err != nil {
			return nil, err
		}
	}
	if err := s.st.UpdateStatus(ctx, st); err != nil {
		return nil, err
	}
	noteObject(ctx, "status", st.ID)
	return &phv1.UpdateStatusResponse{Status: statusProto(st)}, nil
}

// DeleteStatus removes a status no rule or setting refers to.
func (s *Service) DeleteStatus(ctx context.Context, req *phv1.DeleteStatusRequest) (*phv1.DeleteStatusResponse, error) {
	st, err := s.st.GetStatus(ctx, tenantID(ctx), req.GetStatusId())
	if err != nil {
		return nil, err
	}
	if err := s.statusUnused(ctx, st.TenantID, st.Name, "deleted"); err != nil {
		return nil, err
	}
	if err := s.st.DeleteStatus(ctx, st.TenantID, st.ID); err != nil {
		return nil, err
	}
	noteObject(ctx, "status", st.ID)
	return &phv1.DeleteStatusResponse{}, nil
}

// statusUnused fails with ErrInUse when a rule or the tenant settings name the status.
func (s *Service) statusUnused(ctx context.Context, tenant, name, verb string) error {
	t, err := s.st.GetTenant(ctx, tenant)
	if err != nil {
		return err
	}
	if t.Settings.DefaultUnavailableStatus == name {
		return inUse("status %q is the tenant's default unavailable status and cannot be %s", name, verb)
	}
	rules, err := allPages(func(p store.Page) ([]*model.Rule, string, error) { return s.st.ListRules(ctx, tenant, "", p) })
	if err != nil {
		return err
	}
	for _, r := range rules {
		if ruleUsesStatus(r, name) {
			return inUse("status %q is used by rule %q and cannot be %s", name, r.Name, verb)
		}
	}
	return nil
}

// catalog returns the tenant's statuses by name.
func (s *Service) catalog(ctx context.Context, tenant string) (map[string]*model.Status, error) {
	list, err := allPages(func(p store.Page) ([]*model.Status, string, error) { return s.st.ListStatuses(ctx, tenant, p) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]*model.Status, len(list))
	for _, st := range list {
		out[st.Name] = st
	}
	return out, nil
}

func (s *Service) statusByName(ctx context.Context, tenant, name string) (*model.Status, error) {
	cat, err := s.catalog(ctx, tenant)
	if err != nil {
		return nil, err
	}
	st, ok := cat[name]
	if !ok {
		return nil, fmt.Errorf("status %q: %w", name, store.ErrNotFound)
	}
	return st, nil
}

// allPages reads every page of a list.
func allPages[T any](list func(store.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := store.Page{Size: store.MaxPageSize}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Token = next
	}
}

func applyStatus(st *model.Status, in *phv1.Status, mask fieldMask) {
	if wants(mask, "name") {
		st.Name = in.GetName()
	}
	if wants(mask, "display_name") {
		st.DisplayName = in.GetDisplayName()
	}
	if wants(mask, "kind") {
		st.Kind = in.GetKind()
	}
	if wants(mask, "system_role") {
		st.SystemRole = in.GetSystemRole()
	}
	if wants(mask, "color") {
		st.Color = in.GetColor()
	}
	if wants(mask, "order") {
		st.Order = in.GetOrder()
	}
	switch {
	case in.AgentSettable != nil && wants(mask, "agent_settable"):
		st.AgentSettable = in.GetAgentSettable()
	case mask == nil:
		// Created (or fully replaced) without a choice: agents may pick it unless the hub sets it.
		st.AgentSettable = st.Kind != model.KindSystem
	}
	if st.Kind == model.KindSystem {
		st.AgentSettable = false
	}
	if st.DisplayName == "" && mask == nil {
		st.DisplayName = st.Name
	}
}

// checkStatus validates st's fields; a system role needs kind "system" and belongs to one status of
// the tenant (409 when another has it).
func (s *Service) checkStatus(ctx context.Context, st *model.Status) error {
	fe := check(st)
	if st.SystemRole != "" && st.Kind != model.KindSystem {
		fe.add("system_role", "only a status of kind \"system\" stands for a system state")
	}
	if err := fe.orNil(); err != nil || st.SystemRole == "" {
		return err
	}
	cat, err := s.catalog(ctx, st.TenantID)
	if err != nil {
		return err
	}
	for _, o := range cat {
		if o.ID != st.ID && o.SystemRole == st.SystemRole {
			return &userError{msg: fmt.Sprintf("status %q already stands for %s", o.Name, st.SystemRole), err: store.ErrConflict}
		}
	}
	return nil
}

func statusProto(st *model.Status) *phv1.Status { return protoconv.Status(st) }

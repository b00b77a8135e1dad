package api

import (
	"context"
	"errors"
	"fmt"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// CreateRule adds a presence rule.
func (s *Service) CreateRule(ctx context.Context, req *phv1.CreateRuleRequest) (*phv1.CreateRuleResponse, error) {
	r := &model.Rule{ID: ids.New(ids.Rule), TenantID: tenantID(ctx)}
	applyRule(r, req.GetRule(), nil)
	if err := s.checkRule(ctx, r, true); err != nil {
		return nil, err
	}
	if err := s.st.CreateRule(ctx, r); err != nil {
		return nil, err
	}
	noteObject(ctx, "rule", r.ID)
	return &phv1.CreateRuleResponse{Rule: ruleProto(r)}, nil
}

// GetRule reads one rule.
func (s *Service) GetRule(ctx context.Context, req *phv1.GetRuleRequest) (*phv1.GetRuleResponse, error) {
	r, err := s.st.GetRule(ctx, tenantID(ctx), req.GetRuleId())
	if err != nil {
		return nil, err
	}
	return &phv1.GetRuleResponse{Rule: ruleProto(r)}, nil
}

// ListRules lists rules, optionally of one connection.
func (s *Service) ListRules(ctx context.Context, req *phv1.ListRulesRequest) (*phv1.ListRulesResponse, error) {
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListRules(ctx, tenantID(ctx), req.GetConnectionId(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListRulesResponse{NextPageToken: next}
	for _, r := range list {
		resp.Rules = append(resp.Rules, ruleProto(r))
	}
	return resp, nil
}

// UpdateRule changes a rule.
func (s *Service) UpdateRule(ctx context.Context, req *phv1.UpdateRuleRequest) (*phv1.UpdateRuleResponse, error) {
	r, err := s.st.GetRule(ctx, tenantID(ctx), req.GetRuleId())
	if err != nil {
		return nil, err
	}
	mask := maskPaths(req.GetUpdateMask().GetPaths())
	applyRule(r, req.GetRule(), mask)
	// The vendor is asked only when the mappings (or their connection) change: an update of anything
	// else stays possible while the vendor is unreachable.
	mappings := wants(mask, "inbound") || wants(mask, "outbound") || wants(mask, "connection_id")
	if err := s.checkRule(ctx, r, mappings); err != nil {
		return nil, err
	}
	if err := s.st.UpdateRule(ctx, r); err != nil {
		return nil, err
	}
	noteObject(ctx, "rule", r.ID)
	return &phv1.UpdateRuleResponse{Rule: ruleProto(r)}, nil
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, req *phv1.DeleteRuleRequest) (*phv1.DeleteRuleResponse, error) {
	if err := s.st.DeleteRule(ctx, tenantID(ctx), req.GetRuleId()); err != nil {
		return nil, err
	}
	noteObject(ctx, "rule", req.GetRuleId())
	return &phv1.DeleteRuleResponse{}, nil
}

// checkRule validates fields and every reference: connection, statuses, teams and agents of the
// tenant, and, when vendorStates, the vendor states the rule maps (checkVendorStates).
func (s *Service) checkRule(ctx context.Context, r *model.Rule, vendorStates bool) error {
	fe := check(r)
	if r.ConnectionID != "" {
		if _, err := s.st.GetConnection(ctx, r.TenantID, r.ConnectionID); errors.Is(err, store.ErrNotFound) {
			fe.add("connection_id", "no connection %q in this tenant", r.ConnectionID)
		} else if err != nil {
			return err
		}
	}
	cat, err := s.catalog(ctx, r.TenantID)
	if err != nil {
		return err
	}
	known := func(field, name string, allowPrevious bool) {
		if name == "" || cat[name] != nil || (allowPrevious && name == model.StatusPrevious) {
			return
		}
		fe.add(field, "no status named %q in the catalog", name)
	}
	seen := map[string]bool{}
	for i, m := range r.Inbound {
		known(fmt.Sprintf("inbound[%d].status", i), m.Status, true)
		if seen[m.VendorState] {
			fe.add(fmt.Sprintf("inbound[%d].vendor_state", i), "vendor state %q is mapped twice", m.VendorState)
		}
		seen[m.VendorState] = true
	}
	seen = map[string]bool{}
	for i, m := range r.Outbound {
		known(fmt.Sprintf("outbound[%d].status", i), m.Status, false)
		if seen[m.Status] {
			fe.add(fmt.Sprintf("outbound[%d].status", i), "status %q is mapped twice", m.Status)
		}
		seen[m.Status] = true
	}
	known("fallback_status", r.FallbackStatus, false)
	if c := cat[r.FallbackStatus]; c != nil && c.Kind == model.KindSystem {
		// The fallback applies to any state the rule does not map, none of them a vendor's system state.
		fe.add("fallback_status", "%q is system-managed: only a vendor's own system state can set it", r.FallbackStatus)
	}
	if r.SkipUnavailableValidation {
		t, err := s.st.GetTenant(ctx, r.TenantID)
		if err != nil {
			return err
		}
		switch def := t.Settings.DefaultUnavailableStatus; {
		case def == "":
			fe.add("skip_unavailable_validation", "needs the tenant's settings.default_unavailable_status to be set")
		case !seen[def]:
			fe.add("skip_unavailable_validation", "the tenant's default unavailable status %q must be mapped in outbound", def)
		}
	}
	if err := checkRefs(fe, "team_ids", r.TeamIDs, func(id string) error { _, err := s.st.GetTeam(ctx, r.TenantID, id); return err }); err != nil {
		return err
	}
	if err := checkRefs(fe, "agent_ids", r.AgentIDs, func(id string) error { _, err := s.st.GetAgent(ctx, r.TenantID, id); return err }); err != nil {
		return err
	}
	if vendorStates { // last: an unreachable vendor (503) is reported only when nothing else is wrong
		if err := s.checkVendorStates(ctx, r, cat, fe); err != nil {
			return err
		}
	}
	return fe.orNil()
}

// checkRefs reports every id of list that is duplicated or not found by lookup.
func checkRefs(fe *fieldErrors, field string, list []string, lookup func(string) error) error {
	seen := map[string]bool{}
	for i, id := range list {
		if id == "" {
			continue // reported by check
		}
		f := fmt.Sprintf("%s[%d]", field, i)
		if seen[id] {
			fe.add(f, "%q is listed twice", id)
			continue
		}
		seen[id] = true
		if err := lookup(id); errors.Is(err, store.ErrNotFound) {
			fe.add(f, "%q not found in this tenant", id)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func ruleUsesStatus(r *model.Rule, name string) bool {
	if r.FallbackStatus == name {
		return true
	}
	for _, m := range r.Inbound {
		if m.Status == name {
			return true
		}
	}
	for _, m := range r.Outbound {
		if m.Status == name {
			return true
		}
	}
	return false
}

func applyRule(r *model.Rule, in *phv1.Rule, mask fieldMask) {
	if wants(mask, "name") {
		r.Name = in.GetName()
	}
	if wants(mask, "connection_id") {
		r.ConnectionID = in.GetConnectionId()
	}
	if wants(mask, "inbound") {
		r.Inbound = []model.InboundMapping{}
		for _, m := range in.GetInbound() {
			r.Inbound = append(r.Inbound, model.InboundMapping{VendorState: m.GetVendorState(), Status: m.GetStatus()})
		}
	}
	if wants(mask, "outbound") {
		r.Outbound = []model.OutboundMapping{}
		for _, m := range in.GetOutbound() {
			r.Outbound = append(r.Outbound, model.OutboundMapping{Status: m.GetStatus(), VendorState: m.GetVendorState()})
		}
	}
	if wants(mask, "team_ids") {
		r.TeamIDs = append([]string{}, in.GetTeamIds()...)
	}
	if wants(mask, "agent_ids") {
		r.AgentIDs = append([]string{}, in.GetAgentIds()...)
	}
	if wants(mask, "fallback_status") {
		r.FallbackStatus = in.GetFallbackStatus()
	}
	if wants(mask, "skip_unavailable_validation") {
		r.SkipUnavailableValidation = in.GetSkipUnavailableValidation()
	}
}

func ruleProto(r *model.Rule) *phv1.Rule {
	out := &phv1.Rule{
		Id: r.ID, Name: r.Name, ConnectionId: r.ConnectionID, TeamIds: r.TeamIDs, AgentIds: r.AgentIDs,
		FallbackStatus: r.FallbackStatus, SkipUnavailableValidation: r.SkipUnavailableValidation, CreateTime: ts(r.CreateTime), UpdateTime: ts(r.UpdateTime),
	}
	for _, m := range r.Inbound {
		out.Inbound = append(out.Inbound, &phv1.InboundMapping{VendorState: m.VendorState, Status: m.Status})
	}
	for _, m := range r.Outbound {
		out.Outbound = append(out.Outbound, &phv1.OutboundMapping{Status: m.Status, VendorState: m.VendorState})
	}
	return out
}

package api

import (
	"context"
	"errors"
	"time"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/protoconv"
	"presencehub.dev/hub/internal/ruletemplate"
	"presencehub.dev/hub/internal/store"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// ListVendorStates asks the connection's vendor which states rules can map.
func (s *Service) ListVendorStates(ctx context.Context, req *phv1.ListVendorStatesRequest) (*phv1.ListVendorStatesResponse, error) {
	states, err := s.sync.States(ctx, tenantID(ctx), req.GetConnectionId())
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListVendorStatesResponse{}
	for _, st := range states {
		resp.States = append(resp.States, &phv1.VendorStateOption{Id: st.ID, Name: st.Name, Settable: st.Settable, System: st.System})
	}
	return resp, nil
}

// ListWrites lists a connection's outbox, newest first, optionally in one state.
func (s *Service) ListWrites(ctx context.Context, req *phv1.ListWritesRequest) (*phv1.ListWritesResponse, error) {
	fe := &fieldErrors{}
	switch req.GetState() {
	case "", model.WritePending, model.WriteDelivered, model.WriteDead, model.WriteSuperseded:
	default:
		fe.add("state", "must be one of pending, delivered, dead, superseded")
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	if _, err := s.st.GetConnection(ctx, tenantID(ctx), req.GetConnectionId()); err != nil {
		return nil, err
	}
	pg, err := page(req)
	if err != nil {
		return nil, err
	}
	list, next, err := s.st.ListWrites(ctx, tenantID(ctx), req.GetConnectionId(), req.GetState(), pg)
	if err != nil {
		return nil, err
	}
	resp := &phv1.ListWritesResponse{NextPageToken: next}
	for _, w := range list {
		resp.Writes = append(resp.Writes, protoconv.VendorWrite(w))
	}
	return resp, nil
}

// RetryWrite puts a dead-lettered write back in the queue.
func (s *Service) RetryWrite(ctx context.Context, req *phv1.RetryWriteRequest) (*phv1.RetryWriteResponse, error) {
	w, err := s.st.RetryWrite(ctx, tenantID(ctx), req.GetWriteId(), time.Now().UTC())
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		msg := "only a dead-lettered write can be retried"
		if ce.Constraint == "outbox_superseded" {
			msg = "a newer write for this agent and connection replaced this one"
		}
		return nil, &userError{msg: msg, err: errConflictState}
	}
	if err != nil {
		return nil, err
	}
	s.sync.Kick()
	noteObject(ctx, "write", w.ID)
	return &phv1.RetryWriteResponse{Write: protoconv.VendorWrite(w)}, nil
}

// ListRuleTemplates lists the ready-made mappings.
func (s *Service) ListRuleTemplates(context.Context, *phv1.ListRuleTemplatesRequest) (*phv1.ListRuleTemplatesResponse, error) {
	resp := &phv1.ListRuleTemplatesResponse{}
	for _, t := range ruletemplate.All() {
		resp.Templates = append(resp.Templates, &phv1.RuleTemplate{Name: t.Name, Description: t.Description, Vendors: t.Vendors, Directions: t.Directions})
	}
	return resp, nil
}

// ApplyRuleTemplate creates a template's rules, one per connection, through the same checks as CreateRule.
func (s *Service) ApplyRuleTemplate(ctx context.Context, req *phv1.ApplyRuleTemplateRequest) (*phv1.ApplyRuleTemplateResponse, error) {
	tenant := tenantID(ctx)
	fe := &fieldErrors{}
	t, err := ruletemplate.Find(req.GetTemplate())
	if err != nil {
		fe.add("template", "%s", err.Error())
		return nil, fe
	}
	for _, v := range t.Vendors {
		id := req.GetConnections()[v]
		c, err := s.st.GetConnection(ctx, tenant, id)
		switch {
		case id == "":
			fe.add("connections."+v, "the template needs a %s connection", v)
		case errors.Is(err, store.ErrNotFound):
			fe.add("connections."+v, "no connection %q in this tenant", id)
		case err != nil:
			return nil, err
		case c.Vendor != v:
			fe.add("connections."+v, "connection %q is a %s connection, not %s", c.Name, c.Vendor, v)
		}
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	statuses, _, err := s.st.ListStatuses(ctx, tenant, store.Page{Size: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	rules, err := t.Rules(statuses, req.GetDirection(), req.GetConnections())
	switch {
	case errors.Is(err, ruletemplate.ErrUnknownDirection):
		fe.add("direction", "%s", err.Error())
		return nil, fe
	case errors.Is(err, ruletemplate.ErrCatalog):
		return nil, &userError{msg: err.Error(), err: errConflictState}
	case err != nil:
		return nil, err
	}
	resp := &phv1.ApplyRuleTemplateResponse{}
	for _, r := range rules {
		r.ID, r.TenantID = ids.New(ids.Rule), tenant
		r.TeamIDs, r.AgentIDs = append(r.TeamIDs, req.GetTeamIds()...), append(r.AgentIDs, req.GetAgentIds()...)
		if err := s.checkRule(ctx, r, true); err != nil {
			return nil, err
		}
	}
	if err := s.st.CreateRules(ctx, rules); err != nil {
		return nil, err
	}
	for _, r := range rules {
		noteObject(ctx, "rule", r.ID)
		resp.Rules = append(resp.Rules, ruleProto(r))
	}
	return resp, nil
}

// connectionWithHealth renders a connection with its health.
func (s *Service) connectionWithHealth(ctx context.Context, c *model.Connection) (*phv1.Connection, error) {
	out := connectionProto(c)
	h, err := s.st.GetHealth(ctx, c.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	out.Health = &phv1.ConnectionHealth{
		LastSuccessTime: ts(h.LastSuccessTime), LastError: h.LastError, LastErrorTime: ts(h.LastErrorTime),
		ErrorCount: h.ErrorCount, PendingWrites: h.PendingWrites, DeadWrites: h.DeadWrites,
	}
	if exp, err := time.Parse(time.RFC3339, c.Settings[settingCredentialsExpire]); err == nil {
		out.Health.CredentialsExpireTime = ts(exp)
	}
	return out, nil
}

// settingCredentialsExpire is the connection setting reporting when its credentials expire.
const settingCredentialsExpire = "credentials_expire_time"

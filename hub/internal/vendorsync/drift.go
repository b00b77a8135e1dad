package vendorsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

func (m *Manager) runDrift(ctx context.Context) {
	if m.opts.DriftInterval <= 0 {
		return
	}
	t := time.NewTicker(m.opts.DriftInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.RepairDrift(ctx)
		}
	}
}

// RepairDrift reads back every linked agent of every enabled connection and fixes disagreements by the
// rule's direction: where the hub writes this vendor (outbound mapping), the hub's status wins and a
// write is queued; where it only reads it (inbound mapping), the vendor's state is applied. A state the
// rule maps to the hub's current status is no drift (several vendor states may share one status).
func (m *Manager) RepairDrift(ctx context.Context) {
	m.forEachTenant(ctx, m.repairTenant)
}

// forEachTenant calls fn for every tenant of the hub, page by page, until ctx ends.
func (m *Manager) forEachTenant(ctx context.Context, fn func(ctx context.Context, tenantID string)) {
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		tenants, next, err := m.st.ListTenants(ctx, p)
		if err != nil {
			m.log.Warn("listing tenants", slog.Any(logkey.Error, err))
			return
		}
		for _, t := range tenants {
			fn(ctx, t.ID)
		}
		if p.Token = next; next == "" || ctx.Err() != nil {
			return
		}
	}
}

func (m *Manager) repairTenant(ctx context.Context, tenantID string) {
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		agents, next, err := m.st.ListAgents(ctx, tenantID, "", p)
		if err != nil {
			m.log.Warn("drift: listing agents", slog.String(logkey.TenantID, tenantID), slog.Any(logkey.Error, err))
			return
		}
		for _, a := range agents {
			for _, ident := range a.Identities {
				if ctx.Err() != nil {
					return
				}
				m.repairOne(ctx, a, ident)
			}
		}
		if p.Token = next; next == "" {
			return
		}
	}
}

func (m *Manager) repairOne(ctx context.Context, a *model.Agent, ident model.Identity) {
	c, rule, err := m.router.Rule(ctx, ident.ConnectionID, a)
	if err != nil || c == nil || rule == nil {
		return
	}
	if pending, err := m.st.HasPendingWrite(ctx, a.ID, c.ID); err != nil || pending {
		return // a write is on its way: no drift to judge yet
	}
	l, err := m.links.get(ctx, c.ID)
	if err != nil {
		return
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	vs, err := l.adapter.GetState(ctx, ident.ExternalID)
	now := m.opts.Now()
	if errors.Is(err, vendorapi.ErrUnsupported) {
		return // the connection only takes writes (generic HTTP connector): nothing to compare
	}
	if err != nil {
		_ = m.st.RecordError(ctx, a.TenantID, c.ID, err.Error(), now)
		return
	}
	_ = m.st.RecordSuccess(ctx, a.TenantID, c.ID, now)
	cur, err := m.engine.Current(ctx, a.TenantID, a.ID)
	if err != nil {
		return
	}
	want, writes := m.router.Want(ctx, a.TenantID, rule, cur.Status)
	if in, ok := inboundStatus(rule, vs.State); (writes && vs.State == want) || (ok && in == cur.Status) {
		return
	}
	log := m.log.With(slog.String(logkey.Connection, c.ID), slog.String(logkey.AgentID, a.ID), slog.String(logkey.State, vs.State))
	if writes {
		log.Info("drift: vendor disagrees with the hub; rewriting", slog.String(logkey.Result, want))
		m.metrics.drift.WithLabelValues(c.Vendor, "rewrite").Inc()
		m.enqueue(ctx, c.ID, ident.ExternalID, cur, rule, want)
		return
	}
	if in, ok := inboundStatus(rule, vs.State); ok {
		log.Info("drift: hub missed a vendor change; applying it")
		m.metrics.drift.WithLabelValues(c.Vendor, "apply").Inc()
		_, err := m.engine.Apply(ctx, presence.Request{TenantID: a.TenantID, AgentID: a.ID, Status: in, Source: model.SourceConnection,
			SourceID: c.ID, RuleID: rule.ID, Reason: "read back from " + c.Name + ": " + vs.State})
		if err != nil {
			log.Warn("drift: applying vendor state", slog.Any(logkey.Error, err))
		}
	}
}

package vendorsync

import (
	"context"
	"errors"
	"log/slog"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

func (m *Manager) runDrift(ctx context.Context) {
	if m.opts.DriftInterval <= 0 {
		return
	}
	t := m.opts.Clock.NewTicker(m.opts.DriftInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			m.RepairDrift(ctx)
		}
	}
}

// RepairDrift reads back every linked agent of every enabled connection and rewrites the vendors that
// lost or never applied what the hub delivered (see judgeDrift and docs/sync.md). It never changes the
// hub's status: a real change inside a vendor reaches the hub through its webhooks or polls.
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
	cur, err := m.engine.Current(ctx, a.TenantID, a.ID)
	if err != nil {
		return
	}
	want, writes := m.router.Want(ctx, a.TenantID, rule, cur.Status)
	if !writes {
		return // the rule writes nothing here for the hub's status: nothing to repair, nothing to read
	}
	if pending, err := m.st.HasPendingWrite(ctx, a.ID, c.ID); err != nil || pending {
		return // a write is on its way: no drift to judge yet
	}
	last, err := m.lastDelivered(ctx, a, c.ID, ident.ExternalID)
	if err != nil {
		return
	}
	l, err := m.links.get(ctx, c.ID)
	if err != nil {
		return
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	vs, err := l.adapter.GetState(ctx, ident.ExternalID)
	now := m.now()
	if errors.Is(err, vendorapi.ErrUnsupported) {
		return // the connection only takes writes (generic HTTP connector): nothing to compare
	}
	if err != nil {
		_ = m.st.RecordError(ctx, a.TenantID, c.ID, err.Error(), now)
		return
	}
	_ = m.st.RecordSuccess(ctx, a.TenantID, c.ID, now)
	f := driftFacts{vendor: vs, want: want, last: last,
		fromHere: cur.Source == model.SourceConnection && cur.SourceID == c.ID}
	if in, ok := inboundStatus(rule, vs.State); ok {
		f.inStep = in == cur.Status
	}
	rewrite, why := judgeDrift(f)
	log := m.log.With(slog.String(logkey.Connection, c.ID), slog.String(logkey.AgentID, a.ID), slog.String(logkey.State, vs.State))
	if !rewrite {
		if vs.State != want {
			log.Debug("drift: vendor differs from the hub; left alone", slog.String(logkey.Reason, why))
			m.metrics.drift.WithLabelValues(c.Vendor, "left").Inc()
		}
		return
	}
	// The status or the deliveries may have moved while the vendor was read: judge only a still picture.
	again, err := m.lastDelivered(ctx, a, c.ID, ident.ExternalID)
	if err != nil || !sameWrite(last, again) {
		return
	}
	if latest, err := m.engine.Current(ctx, a.TenantID, a.ID); err != nil || latest.Version != cur.Version {
		return
	}
	log.Info("drift: vendor lost the hub's write; rewriting", slog.String(logkey.Result, want), slog.String(logkey.Reason, why))
	m.metrics.drift.WithLabelValues(c.Vendor, "rewrite").Inc()
	m.enqueue(ctx, c.ID, ident.ExternalID, cur, rule, want)
}

// lastDelivered is the newest write delivered to this vendor user for the agent (nil when none, or
// when it went to another user: the identity was relinked since).
func (m *Manager) lastDelivered(ctx context.Context, a *model.Agent, connectionID, externalID string) (*model.OutboxWrite, error) {
	w, err := m.st.LastDelivered(ctx, a.TenantID, a.ID, connectionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		m.log.Warn("drift: reading deliveries", slog.String(logkey.AgentID, a.ID), slog.Any(logkey.Error, err))
		return nil, err
	}
	if w.ExternalID != externalID {
		return nil, nil
	}
	return w, nil
}

func sameWrite(a, b *model.OutboxWrite) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.ID == b.ID)
}

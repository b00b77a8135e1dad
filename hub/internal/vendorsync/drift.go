package vendorsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/presence"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Reconcile reads vendors back and repairs what they lost: drift repair every drift interval (Run, the
// leader's work) and Align on request. It never changes the hub's status; the rewrites it decides go
// through the outbox.
type Reconcile struct {
	st       Store
	conns    *connections
	router   *Router
	engine   *presence.Engine
	outbox   *Outbox
	metrics  *Metrics
	log      *slog.Logger
	clock    clock.Clock
	interval time.Duration // 0: never
}

// now is the time on the reconciler's clock, in UTC.
func (r *Reconcile) now() time.Time { return r.clock.Now().UTC() }

// Run repairs drift every drift interval until ctx ends (nothing when the interval is 0).
func (r *Reconcile) Run(ctx context.Context) {
	if r.interval <= 0 {
		return
	}
	t := r.clock.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			r.RepairDrift(ctx)
		}
	}
}

// RepairDrift reads back every linked agent of every enabled connection and rewrites the vendors that
// lost or never applied what the hub delivered (see judgeDrift and docs/sync.md). It never changes the
// hub's status: a real change inside a vendor reaches the hub through its webhooks or polls.
func (r *Reconcile) RepairDrift(ctx context.Context) {
	forEachTenant(ctx, r.st, r.log, r.repairTenant)
}

func (r *Reconcile) repairTenant(ctx context.Context, tenantID string) {
	for p := (store.Page{Size: store.MaxPageSize}); ; {
		agents, next, err := r.st.ListAgents(ctx, tenantID, "", p)
		if err != nil {
			r.log.Warn("drift: listing agents", slog.String(logkey.TenantID, tenantID), slog.Any(logkey.Error, err))
			return
		}
		for _, a := range agents {
			for _, ident := range a.Identities {
				if ctx.Err() != nil {
					return
				}
				r.repairOne(ctx, a, ident)
			}
		}
		if p.Token = next; next == "" {
			return
		}
	}
}

func (r *Reconcile) repairOne(ctx context.Context, a *model.Agent, ident model.Identity) {
	c, rule, err := r.router.Rule(ctx, ident.ConnectionID, a)
	if err != nil || c == nil || rule == nil {
		return
	}
	cur, err := r.engine.Current(ctx, a.TenantID, a.ID)
	if err != nil {
		return
	}
	want, writes := r.router.Want(ctx, a.TenantID, rule, cur.Status)
	if !writes {
		return // the rule writes nothing here for the hub's status: nothing to repair, nothing to read
	}
	if pending, err := r.st.HasPendingWrite(ctx, a.ID, c.ID); err != nil || pending {
		return // a write is on its way: no drift to judge yet
	}
	last, err := r.lastDelivered(ctx, a, c.ID, ident.ExternalID)
	if err != nil {
		return
	}
	l, err := r.conns.get(ctx, c.ID)
	if err != nil {
		return
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	vs, err := l.adapter.GetState(ctx, ident.ExternalID)
	now := r.now()
	if errors.Is(err, vendorapi.ErrUnsupported) {
		return // the connection only takes writes (generic HTTP connector): nothing to compare
	}
	if err != nil {
		_ = r.st.RecordError(ctx, a.TenantID, c.ID, err.Error(), now)
		return
	}
	_ = r.st.RecordSuccess(ctx, a.TenantID, c.ID, now)
	f := driftFacts{vendor: vs, want: want, last: last,
		fromHere: cur.Source == model.SourceConnection && cur.SourceID == c.ID,
		system:   vendorapi.SystemState(l.adapter, vs.State)}
	if in, ok := inboundStatus(rule, vs.State); ok {
		f.inStep = in == cur.Status
	}
	rewrite, why := judgeDrift(f)
	log := r.log.With(slog.String(logkey.Connection, c.ID), slog.String(logkey.AgentID, a.ID), slog.String(logkey.State, vs.State))
	if !rewrite {
		if vs.State != want {
			log.Debug("drift: vendor differs from the hub; left alone", slog.String(logkey.Reason, why))
			r.metrics.drift.WithLabelValues(c.Vendor, "left").Inc()
		}
		return
	}
	// The status or the deliveries may have moved while the vendor was read: judge only a still picture.
	again, err := r.lastDelivered(ctx, a, c.ID, ident.ExternalID)
	if err != nil || !sameWrite(last, again) {
		return
	}
	if latest, err := r.engine.Current(ctx, a.TenantID, a.ID); err != nil || latest.Version != cur.Version {
		return
	}
	log.Info("drift: vendor lost the hub's write; rewriting", slog.String(logkey.Result, want), slog.String(logkey.Reason, why))
	r.metrics.drift.WithLabelValues(c.Vendor, "rewrite").Inc()
	r.outbox.enqueue(ctx, c.ID, ident.ExternalID, cur, rule, want)
}

// lastDelivered is the newest write delivered to this vendor user for the agent (nil when none, or
// when it went to another user: the identity was relinked since).
func (r *Reconcile) lastDelivered(ctx context.Context, a *model.Agent, connectionID, externalID string) (*model.OutboxWrite, error) {
	w, err := r.st.LastDelivered(ctx, a.TenantID, a.ID, connectionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		r.log.Warn("drift: reading deliveries", slog.String(logkey.AgentID, a.ID), slog.Any(logkey.Error, err))
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

package vendorsync

import (
	"context"
	"log/slog"

	"time"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// KeepInterval is how often writes that lapse on the vendor's side (vendorapi.Keeper: Teams'
// presence sessions) are looked at. Adapters renew well within their writes' lifetime, so a round
// missed, or a restarted leader that remembers nothing, never lets one lapse.
const KeepInterval = 5 * time.Minute

// RunKeep keeps lapsing writes standing every KeepInterval until ctx ends (the leader's work).
func (r *Reconcile) RunKeep(ctx context.Context) {
	t := r.clock.NewTicker(KeepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			r.Keep(ctx)
		}
	}
}

// Keep asks every Keeper connection, for each linked agent, to keep what the hub delivered there
// while the hub's status stands, and to remove it once the rule writes nothing for the hub's status.
// What it asks is recomputed each round from the store (the hub's status, the rule, the newest
// delivered write), so it needs no schedule of its own and survives restarts and leader changes. It
// never changes the hub's status, and leaves alone an agent whose status came from that connection
// (the person's own pick there) or who has a write pending.
func (r *Reconcile) Keep(ctx context.Context) {
	forEachTenant(ctx, r.st, r.log, func(ctx context.Context, tenantID string) {
		for p := (store.Page{Size: store.MaxPageSize}); ; {
			agents, next, err := r.st.ListAgents(ctx, tenantID, "", p)
			if err != nil {
				r.log.Warn("keep: listing agents", slog.String(logkey.TenantID, tenantID), slog.Any(logkey.Error, err))
				return
			}
			for _, a := range agents {
				for _, ident := range a.Identities {
					if ctx.Err() != nil {
						return
					}
					r.keepOne(ctx, a, ident)
				}
			}
			if p.Token = next; next == "" {
				return
			}
		}
	})
}

func (r *Reconcile) keepOne(ctx context.Context, a *model.Agent, ident model.Identity) {
	l, err := r.conns.get(ctx, ident.ConnectionID)
	if err != nil {
		return
	}
	k, ok := l.adapter.(vendorapi.Keeper)
	if !ok {
		return
	}
	c, rule, err := r.router.Rule(ctx, ident.ConnectionID, a)
	if err != nil || c == nil || rule == nil {
		return
	}
	cur, err := r.engine.Current(ctx, a.TenantID, a.ID)
	if err != nil || (cur.Source == model.SourceConnection && cur.SourceID == c.ID) {
		return
	}
	state := ""
	if want, writes := r.router.Want(ctx, a.TenantID, rule, cur.Status); writes {
		if pending, err := r.st.HasPendingWrite(ctx, a.ID, c.ID); err != nil || pending {
			return // the outbox owns the next write
		}
		last, err := r.st.LastDelivered(ctx, a.TenantID, a.ID, c.ID)
		if err != nil || last.ExternalID != ident.ExternalID || last.VendorState != want {
			return // the hub did not put it there: nothing of the hub's to keep
		}
		state = want
	}
	if !k.KeepDue(ident.ExternalID, state) {
		return
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	err = k.Keep(ctx, ident.ExternalID, state)
	now := r.now()
	if err != nil {
		r.log.Warn("keep: renewing the hub's write", slog.String(logkey.Connection, c.ID), slog.String(logkey.AgentID, a.ID), slog.Any(logkey.Error, err))
		_ = r.st.RecordError(ctx, a.TenantID, c.ID, err.Error(), now)
		return
	}
	_ = r.st.RecordSuccess(ctx, a.TenantID, c.ID, now)
}

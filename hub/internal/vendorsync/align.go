package vendorsync

import (
	"context"
	"log/slog"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/logkey"
)

// Align writes every linked agent's current status to every vendor whose rule writes that status and
// that shows another state, whatever it is: for accounts just connected that have never had the hub's statuses (the
// demo's fresh emulators). Unlike drift repair it does not spare a state a person chose there, so it
// runs only when asked, never on a schedule. It never changes the hub's status. Systems that cannot be
// read back (the generic HTTP connector) are left to the next change.
func (r *Reconcile) Align(ctx context.Context) {
	forEachTenant(ctx, r.st, r.log, func(ctx context.Context, tenantID string) {
		for p := (store.Page{Size: store.MaxPageSize}); ; {
			agents, next, err := r.st.ListAgents(ctx, tenantID, "", p)
			if err != nil {
				r.log.Warn("align: listing agents", slog.String(logkey.TenantID, tenantID), slog.Any(logkey.Error, err))
				return
			}
			for _, a := range agents {
				r.alignAgent(ctx, a)
			}
			if p.Token = next; next == "" || ctx.Err() != nil {
				return
			}
		}
	})
}

func (r *Reconcile) alignAgent(ctx context.Context, a *model.Agent) {
	cur, err := r.engine.Current(ctx, a.TenantID, a.ID)
	if err != nil {
		return
	}
	for _, ident := range a.Identities {
		c, rule, err := r.router.Rule(ctx, ident.ConnectionID, a)
		if err != nil || c == nil || rule == nil {
			continue
		}
		want, ok := r.router.Want(ctx, a.TenantID, rule, cur.Status)
		if !ok {
			continue
		}
		if pending, err := r.st.HasPendingWrite(ctx, a.ID, c.ID); err != nil || pending {
			continue
		}
		l, err := r.conns.get(ctx, c.ID)
		if err != nil || l.wait(ctx) != nil {
			continue
		}
		vs, err := l.adapter.GetState(ctx, ident.ExternalID)
		if in, ok := inboundStatus(rule, vs.State); err != nil || vs.State == want || (ok && in == cur.Status) {
			continue
		}
		r.outbox.enqueue(ctx, c.ID, ident.ExternalID, cur, rule, want)
	}
}

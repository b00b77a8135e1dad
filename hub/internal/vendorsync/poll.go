package vendorsync

import (
	"context"
	"log/slog"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Run asks every enabled connection whose vendor must be polled for its changes, each poll interval,
// until ctx ends (the leader's work). Cursors live in memory: after a restart polling starts from "now"
// (see docs/sync.md, known gaps).
func (in *Inbound) Run(ctx context.Context) {
	t := in.clock.NewTicker(in.pollInterval)
	defer t.Stop()
	cursors := map[string]string{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			in.pollAll(ctx, cursors)
		}
	}
}

func (in *Inbound) pollAll(ctx context.Context, cursors map[string]string) {
	forEachTenant(ctx, in.st, in.log, func(ctx context.Context, tenantID string) {
		rt, err := in.router.routes(ctx, tenantID)
		if err != nil {
			return
		}
		for id := range rt.conns {
			in.pollOne(ctx, id, cursors)
		}
	})
}

func (in *Inbound) pollOne(ctx context.Context, connectionID string, cursors map[string]string) {
	l, err := in.conns.get(ctx, connectionID)
	if err != nil {
		return
	}
	poller, ok := l.adapter.(vendorapi.Poller)
	if !ok {
		return
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	changes, next, err := poller.Poll(ctx, cursors[connectionID])
	now := in.now()
	if err != nil {
		in.log.Warn("polling vendor", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
		_ = in.st.RecordError(ctx, l.conn.TenantID, connectionID, err.Error(), now)
		return
	}
	_ = in.st.RecordSuccess(ctx, l.conn.TenantID, connectionID, now)
	cursors[connectionID] = next
	in.ReceivePolled(ctx, l.conn, changes)
}

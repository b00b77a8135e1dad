package vendorsync

import (
	"context"
	"errors"
	"log/slog"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// Run asks every enabled connection whose vendor must be polled for its changes, each poll interval,
// until ctx ends (the leader's work); a connection whose adapter heard of changes meanwhile (a pushed
// stream: vendorapi.Config.Notify) is polled at once. Each poll starts where the last one taken ended: its cursor is
// saved once its changes were taken, so a restarted hub or a new leader goes on from there.
func (in *Inbound) Run(ctx context.Context) {
	t := in.clock.NewTicker(in.pollInterval)
	defer t.Stop()
	defer in.conns.closeAll() // pushed streams follow the polls: not on a replica that stopped leading
	cursors := map[string]string{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			in.pollAll(ctx, cursors)
		case id := <-in.conns.pushed:
			if c, err := in.st.ConnectionByID(ctx, id); err == nil && c.Enabled {
				in.pollOne(ctx, id, cursors)
			}
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
	cursor, known := cursors[connectionID]
	if !known {
		if cursor, err = in.st.PollCursor(ctx, connectionID); err != nil {
			in.log.Warn("reading poll cursor", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
			return
		}
	}
	if err := l.wait(ctx); err != nil {
		return
	}
	changes, next, err := poller.Poll(ctx, cursor)
	now := in.now()
	if errors.Is(err, vendorapi.ErrBadCursor) {
		// Saved by a version that wrote it otherwise: start over with a baseline.
		in.log.Warn("poll cursor unreadable; starting over", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
		cursors[connectionID] = ""
		return
	}
	if err != nil {
		in.log.Warn("polling vendor", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
		_ = in.st.RecordError(ctx, l.conn.TenantID, connectionID, err.Error(), now)
		return
	}
	_ = in.st.RecordSuccess(ctx, l.conn.TenantID, connectionID, now)
	in.ReceivePolled(ctx, l.conn, changes)
	cursors[connectionID] = next
	if next != cursor {
		// After the changes were taken: a crash before this reports them again, never loses them.
		if err := in.st.SavePollCursor(ctx, connectionID, next, now); err != nil {
			in.log.Warn("saving poll cursor", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
		}
	}
}

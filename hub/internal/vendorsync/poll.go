package vendorsync

import (
	"context"
	"log/slog"

	"presencehub.dev/hub/internal/vendorapi"
	"presencehub.dev/shared/logkey"
)

// runPolls asks every enabled connection whose vendor must be polled for its changes, each interval.
// Cursors live in memory: after a restart polling starts from "now" (see docs/sync.md, known gaps).
func (m *Manager) runPolls(ctx context.Context) {
	t := m.opts.Clock.NewTicker(m.opts.PollInterval)
	defer t.Stop()
	cursors := map[string]string{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.Chan():
			m.pollAll(ctx, cursors)
		}
	}
}

func (m *Manager) pollAll(ctx context.Context, cursors map[string]string) {
	m.forEachTenant(ctx, func(ctx context.Context, tenantID string) {
		rt, err := m.router.routes(ctx, tenantID)
		if err != nil {
			return
		}
		for id := range rt.conns {
			m.pollOne(ctx, id, cursors)
		}
	})
}

func (m *Manager) pollOne(ctx context.Context, connectionID string, cursors map[string]string) {
	l, err := m.links.get(ctx, connectionID)
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
	now := m.now()
	if err != nil {
		m.log.Warn("polling vendor", slog.String(logkey.Connection, connectionID), slog.Any(logkey.Error, err))
		_ = m.st.RecordError(ctx, l.conn.TenantID, connectionID, err.Error(), now)
		return
	}
	_ = m.st.RecordSuccess(ctx, l.conn.TenantID, connectionID, now)
	cursors[connectionID] = next
	m.ReceivePolled(ctx, l.conn, changes)
}

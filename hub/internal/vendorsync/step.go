package vendorsync

import "context"

// The step functions below run one round of the work the parts' Run loops do, for callers that drive
// time themselves (the deterministic simulation): each does what one tick of its loop would, once.

// DispatchDue starts sending the writes due now (one round of the outbox loop). It does not wait for
// the sends; WaitDeliveries does.
func (m *Manager) DispatchDue(ctx context.Context) { m.Outbox.dispatchDue(ctx) }

// WaitDeliveries waits until every write being sent has its outcome recorded (or was cut by ctx).
func (m *Manager) WaitDeliveries() { m.Outbox.deliveries.Wait() }

// PollCursors are where each polled connection's next poll starts, as far as this process knows (like
// Inbound.Run's); a connection missing there starts from its saved cursor.
type PollCursors map[string]string

// PollOnce asks every polled connection for its changes once, from and into cursors.
func (m *Manager) PollOnce(ctx context.Context, cursors PollCursors) { m.Inbound.pollAll(ctx, cursors) }

// PollConnection asks one connection for its changes once (nothing if its vendor is not polled).
func (m *Manager) PollConnection(ctx context.Context, connectionID string, cursors PollCursors) {
	m.Inbound.pollOne(ctx, connectionID, cursors)
}

// ReleaseClaims makes due the writes claimed by replicas that are gone (what Outbox.Run does first).
func (m *Manager) ReleaseClaims(ctx context.Context) { m.Outbox.releaseClaims(ctx) }

package store

import (
	"context"
	"fmt"
	"time"
)

// WebhookReplay remembers webhook deliveries and the newest event time per vendor user, so that a
// replayed or older delivery is recognised on any replica, after a restart too.
type WebhookReplay interface {
	// MarkDelivery records key for connection until expire; first is false when it was already
	// recorded and has not expired (a replay).
	MarkDelivery(ctx context.Context, connectionID, key string, now, expire time.Time) (first bool, err error)
	// MarkUserEvent records the change at, state as the newest of a vendor user unless a newer one is
	// known; old reports that a strictly newer change, or this very one (same time and state), was
	// already received.
	MarkUserEvent(ctx context.Context, connectionID, externalID string, at time.Time, state string) (old bool, err error)
	// ForgetDeliveries drops the deliveries expired by now.
	ForgetDeliveries(ctx context.Context, now time.Time) (int64, error)
}

// MarkDelivery inserts the delivery, or renews an expired one; an unexpired row stays as it is.
func (s *DB) MarkDelivery(ctx context.Context, connectionID, key string, now, expire time.Time) (bool, error) {
	res, err := s.x.ExecContext(ctx, s.q(`INSERT INTO webhook_deliveries (connection_id, delivery_key, expire_time) VALUES (?, ?, ?)
		ON CONFLICT (connection_id, delivery_key) DO UPDATE SET expire_time = excluded.expire_time
		WHERE webhook_deliveries.expire_time <= ?`), connectionID, key, micros(expire), micros(now))
	if err != nil {
		return false, fmt.Errorf("recording webhook delivery: %w", s.mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("recording webhook delivery: %w", err)
	}
	return n == 1, nil
}

// MarkUserEvent keeps the newest change received per vendor user (its time and state) and reports
// whether the change at, state is not new: older than the newest, or that same change again (same time
// and state: a poll reporting what a webhook did, a redelivery under another id).
func (s *DB) MarkUserEvent(ctx context.Context, connectionID, externalID string, at time.Time, state string) (bool, error) {
	res, err := s.x.ExecContext(ctx, s.q(`INSERT INTO webhook_user_events (connection_id, external_id, event_time, state) VALUES (?, ?, ?, ?)
		ON CONFLICT (connection_id, external_id) DO UPDATE SET event_time = excluded.event_time, state = excluded.state
		WHERE webhook_user_events.event_time < excluded.event_time
		OR (webhook_user_events.event_time = excluded.event_time AND webhook_user_events.state <> excluded.state)`),
		connectionID, externalID, micros(at), state)
	if err != nil {
		return false, fmt.Errorf("recording vendor event time: %w", s.mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("recording vendor event time: %w", err)
	}
	return n == 0, nil
}

// ForgetDeliveries deletes expired deliveries.
func (s *DB) ForgetDeliveries(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.x.ExecContext(ctx, s.q(`DELETE FROM webhook_deliveries WHERE expire_time <= ?`), micros(now))
	if err != nil {
		return 0, fmt.Errorf("forgetting webhook deliveries: %w", s.mapErr(err))
	}
	return res.RowsAffected()
}

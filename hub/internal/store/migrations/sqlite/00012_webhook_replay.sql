-- +goose Up
-- Webhook deliveries already received (the vendor's event id, else a digest of body and signature),
-- kept until expire_time so a replayed delivery is acknowledged but not applied, across restarts and
-- replicas; and per vendor user the newest event time received, so an older delivery is not applied.
CREATE TABLE webhook_deliveries (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    delivery_key  TEXT NOT NULL,
    expire_time   INTEGER NOT NULL,
    PRIMARY KEY (connection_id, delivery_key)
);
CREATE INDEX webhook_deliveries_expire ON webhook_deliveries (expire_time);

CREATE TABLE webhook_user_events (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    event_time    INTEGER NOT NULL,
    PRIMARY KEY (connection_id, external_id)
);

-- +goose Down
DROP TABLE webhook_user_events;
DROP TABLE webhook_deliveries;

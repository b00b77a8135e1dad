-- +goose Up
-- One row per write the hub owes a vendor: persisted in the transaction of the presence change that
-- caused it, delivered by the sync workers, kept after delivery for the timeline and the API.
CREATE TABLE outbox (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    connection_id     TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    agent_id          TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    external_id       TEXT NOT NULL,
    status            TEXT NOT NULL,
    vendor_state      TEXT NOT NULL,
    presence_version  BIGINT NOT NULL,
    rule_id           TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL,
    attempts          BIGINT NOT NULL DEFAULT 0,
    next_attempt_time BIGINT NOT NULL,
    last_error        TEXT NOT NULL DEFAULT '',
    create_time       BIGINT NOT NULL,
    update_time       BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_time);
CREATE INDEX outbox_connection ON outbox (connection_id, state, id);
CREATE INDEX outbox_agent ON outbox (agent_id, connection_id, state);

CREATE TABLE connection_health (
    connection_id     TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id         TEXT NOT NULL,
    last_success_time BIGINT NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    last_error_time   BIGINT NOT NULL DEFAULT 0,
    error_count       BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE connection_health;
DROP TABLE outbox;

-- +goose Up
CREATE TABLE presences (
    agent_id        TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    tenant_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    version         BIGINT NOT NULL,
    source          TEXT NOT NULL,
    source_id       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    previous_status TEXT NOT NULL DEFAULT '',
    held_status     TEXT NOT NULL DEFAULT '',
    queued_status   TEXT NOT NULL DEFAULT '',
    update_time     BIGINT NOT NULL
);

CREATE TABLE timeline (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    agent_id         TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    outcome          TEXT NOT NULL,
    requested_status TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '',
    previous_status  TEXT NOT NULL DEFAULT '',
    version          BIGINT NOT NULL DEFAULT 0,
    source           TEXT NOT NULL,
    source_id        TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    rule_id          TEXT NOT NULL DEFAULT '',
    create_time      BIGINT NOT NULL
);
CREATE INDEX timeline_agent ON timeline (agent_id, id);

CREATE TABLE pairing_codes (
    hash        TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    agent_id    TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    supervisor  BOOLEAN NOT NULL DEFAULT FALSE,
    expire_time BIGINT NOT NULL,
    create_time BIGINT NOT NULL
);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    agent_id       TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    name           TEXT NOT NULL DEFAULT '',
    token_hash     TEXT NOT NULL UNIQUE,
    supervisor     BOOLEAN NOT NULL DEFAULT FALSE,
    create_time    BIGINT NOT NULL,
    last_seen_time BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_agent ON devices (agent_id);

-- +goose Down
DROP TABLE devices;
DROP TABLE pairing_codes;
DROP TABLE timeline;
DROP TABLE presences;

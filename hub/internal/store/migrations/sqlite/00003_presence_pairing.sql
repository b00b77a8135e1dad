-- +goose Up
CREATE TABLE presences (
    agent_id        TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    tenant_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    source          TEXT NOT NULL,
    source_id       TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    previous_status TEXT NOT NULL DEFAULT '',
    held_status     TEXT NOT NULL DEFAULT '',
    queued_status   TEXT NOT NULL DEFAULT '',
    update_time     INTEGER NOT NULL
);

CREATE TABLE timeline (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    agent_id         TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    outcome          TEXT NOT NULL,
    requested_status TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '',
    previous_status  TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 0,
    source           TEXT NOT NULL,
    source_id        TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    rule_id          TEXT NOT NULL DEFAULT '',
    create_time      INTEGER NOT NULL
);
CREATE INDEX timeline_agent ON timeline (agent_id, id);

CREATE TABLE pairing_codes (
    hash        TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    agent_id    TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    supervisor  INTEGER NOT NULL DEFAULT 0,
    expire_time INTEGER NOT NULL,
    create_time INTEGER NOT NULL
);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    agent_id       TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    name           TEXT NOT NULL DEFAULT '',
    token_hash     TEXT NOT NULL UNIQUE,
    supervisor     INTEGER NOT NULL DEFAULT 0,
    create_time    INTEGER NOT NULL,
    last_seen_time INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_agent ON devices (agent_id);

-- +goose Down
DROP TABLE devices;
DROP TABLE pairing_codes;
DROP TABLE timeline;
DROP TABLE presences;

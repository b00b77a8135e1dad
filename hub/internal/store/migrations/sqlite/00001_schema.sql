-- +goose Up
CREATE TABLE tenants (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    settings     TEXT NOT NULL DEFAULT '{}',
    create_time  INTEGER NOT NULL,
    update_time  INTEGER NOT NULL
);

CREATE TABLE statuses (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    color          TEXT NOT NULL DEFAULT '',
    agent_settable INTEGER NOT NULL,
    sort_order     INTEGER NOT NULL DEFAULT 0,
    create_time    INTEGER NOT NULL,
    update_time    INTEGER NOT NULL,
    CONSTRAINT statuses_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    create_time INTEGER NOT NULL,
    update_time INTEGER NOT NULL,
    CONSTRAINT teams_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    email_key    TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    create_time  INTEGER NOT NULL,
    update_time  INTEGER NOT NULL,
    CONSTRAINT agents_email_key UNIQUE (tenant_id, email_key)
);

CREATE TABLE agent_teams (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    team_id  TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, team_id)
);
CREATE INDEX agent_teams_team ON agent_teams (team_id);

CREATE TABLE connections (
    id                      TEXT PRIMARY KEY,
    tenant_id               TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    vendor                  TEXT NOT NULL,
    base_url                TEXT NOT NULL,
    settings                TEXT NOT NULL DEFAULT '{}',
    credential_keys         TEXT NOT NULL DEFAULT '[]',
    secret_key_id           TEXT NOT NULL DEFAULT '',
    secret                  BLOB,
    credentials_update_time INTEGER NOT NULL DEFAULT 0,
    enabled                 INTEGER NOT NULL,
    create_time             INTEGER NOT NULL,
    update_time             INTEGER NOT NULL,
    CONSTRAINT connections_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE agent_identities (
    agent_id      TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    pinned        INTEGER NOT NULL DEFAULT 0,
    link_time     INTEGER NOT NULL,
    PRIMARY KEY (agent_id, connection_id),
    CONSTRAINT agent_identities_external_key UNIQUE (connection_id, external_id)
);

CREATE TABLE rules (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    connection_id   TEXT NOT NULL REFERENCES connections (id),
    inbound         TEXT NOT NULL DEFAULT '[]',
    outbound        TEXT NOT NULL DEFAULT '[]',
    fallback_status TEXT NOT NULL DEFAULT '',
    create_time     INTEGER NOT NULL,
    update_time     INTEGER NOT NULL,
    CONSTRAINT rules_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE rule_teams (
    rule_id       TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, team_id),
    CONSTRAINT rule_teams_connection_key UNIQUE (connection_id, team_id)
);

CREATE TABLE rule_agents (
    rule_id       TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL,
    agent_id      TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, agent_id),
    CONSTRAINT rule_agents_connection_key UNIQUE (connection_id, agent_id)
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    create_time INTEGER NOT NULL
);

CREATE TABLE audit_records (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    create_time INTEGER NOT NULL
);

-- +goose Down
DROP TABLE audit_records;
DROP TABLE api_keys;
DROP TABLE rule_agents;
DROP TABLE rule_teams;
DROP TABLE rules;
DROP TABLE agent_identities;
DROP TABLE connections;
DROP TABLE agent_teams;
DROP TABLE agents;
DROP TABLE teams;
DROP TABLE statuses;
DROP TABLE tenants;

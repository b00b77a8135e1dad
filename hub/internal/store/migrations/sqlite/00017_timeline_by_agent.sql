-- +goose Up
-- The timeline is read only agent by agent, newest first, so it is kept in one b-tree ordered by
-- (agent_id, id) instead of a rowid table with two indexes (id, and agent_id + id): each change then
-- updates one b-tree, not three (fewer pages written to the WAL per commit; docs/PERFORMANCE.md).
CREATE TABLE timeline_by_agent (
    id               TEXT NOT NULL,
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
    create_time      INTEGER NOT NULL,
    PRIMARY KEY (agent_id, id)
) WITHOUT ROWID;
INSERT INTO timeline_by_agent (id, tenant_id, agent_id, outcome, requested_status, status, previous_status, version,
    source, source_id, reason, rule_id, create_time)
SELECT id, tenant_id, agent_id, outcome, requested_status, status, previous_status, version,
    source, source_id, reason, rule_id, create_time FROM timeline;
DROP TABLE timeline;
ALTER TABLE timeline_by_agent RENAME TO timeline;

-- +goose Down
CREATE TABLE timeline_by_id (
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
INSERT INTO timeline_by_id SELECT id, tenant_id, agent_id, outcome, requested_status, status, previous_status, version,
    source, source_id, reason, rule_id, create_time FROM timeline;
DROP TABLE timeline;
ALTER TABLE timeline_by_id RENAME TO timeline;
CREATE INDEX timeline_agent ON timeline (agent_id, id);

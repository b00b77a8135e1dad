-- +goose Up
-- A presence change the engine's flow control holds until the agent's rate allows it (answered
-- "coalesced"). At most one per agent: a later change replaces it. It is stored before the answer, so it
-- survives a crash; the flush that applies it deletes it in the transaction of the change.
CREATE TABLE held_changes (
    agent_id    TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    status      TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_id   TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    rule_id     TEXT NOT NULL DEFAULT '',
    due_time    BIGINT NOT NULL,
    create_time BIGINT NOT NULL
);
CREATE INDEX held_changes_due ON held_changes (due_time);

-- +goose Down
DROP TABLE held_changes;

-- +goose Up
-- Agent sync: one row per run of a connection's user sync, with its progress (the adapter's cursor of the
-- next page, saved with each page's links) and its report.
CREATE TABLE sync_runs (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    triggered_by  TEXT NOT NULL,
    state         TEXT NOT NULL,
    page_cursor   TEXT NOT NULL DEFAULT '',
    pages         INTEGER NOT NULL DEFAULT 0,
    restarts      INTEGER NOT NULL DEFAULT 0,
    report        TEXT NOT NULL DEFAULT '{}',
    error         TEXT NOT NULL DEFAULT '',
    create_time   INTEGER NOT NULL,
    update_time   INTEGER NOT NULL,
    end_time      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_runs_connection ON sync_runs (connection_id, id);
-- One run per connection at a time.
CREATE UNIQUE INDEX sync_runs_active_key ON sync_runs (connection_id) WHERE state = 'running';

-- The vendor users a running sync has read: duplicate emails, agents no user matched, and a resumed run
-- knowing what it already did. Removed when the run ends.
CREATE TABLE sync_run_users (
    run_id      TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    email_key   TEXT NOT NULL,
    agent_id    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, external_id)
);
CREATE INDEX sync_run_users_email ON sync_run_users (run_id, email_key);
CREATE INDEX sync_run_users_agent ON sync_run_users (run_id, agent_id);

-- +goose Down
DROP TABLE sync_run_users;
DROP TABLE sync_runs;

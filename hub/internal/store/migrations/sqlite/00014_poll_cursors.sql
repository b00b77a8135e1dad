-- +goose Up
-- Where each polled connection's next poll starts (the adapter's opaque cursor), saved after the
-- changes of a poll were taken, so a restarted hub or a new leader goes on from there instead of
-- taking a new baseline (which would miss what changed in the vendor meanwhile).
CREATE TABLE poll_cursors (
    connection_id TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    cursor        TEXT NOT NULL,
    update_time   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE poll_cursors;

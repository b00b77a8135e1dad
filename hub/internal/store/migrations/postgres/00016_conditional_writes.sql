-- +goose Up
-- A write the hub owes a vendor whose own change it held is made only while that vendor still shows
-- the state it reported (docs/sync.md, "Ordering, newest wins"): a person who picked another state
-- there since, not yet reported, is left alone. if_state is that state ('' = unconditional).
ALTER TABLE outbox ADD COLUMN if_state TEXT NOT NULL DEFAULT '';
-- The state a held vendor change reported, and the states the vendors it owes last reported (a JSON
-- object by connection id), so that those writes are conditional across restarts too.
ALTER TABLE held_changes ADD COLUMN source_state TEXT NOT NULL DEFAULT '';
ALTER TABLE held_changes ADD COLUMN owed_states TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE held_changes DROP COLUMN owed_states;
ALTER TABLE held_changes DROP COLUMN source_state;
ALTER TABLE outbox DROP COLUMN if_state;

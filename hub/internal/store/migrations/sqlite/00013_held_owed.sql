-- +goose Up
-- The connections a held change owes the hub's status when it is resolved without being applied: the
-- sources of the changes it replaced (their pending writes were superseded when they were reported),
-- comma-separated.
ALTER TABLE held_changes ADD COLUMN owed TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE held_changes DROP COLUMN owed;

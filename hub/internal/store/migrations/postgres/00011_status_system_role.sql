-- +goose Up
-- What a system status stands for (on_call, after_call_work, refused; '' for others), so rule
-- templates map vendors' system states to it by what it is rather than by its position or name.
ALTER TABLE statuses ADD COLUMN system_role TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE statuses DROP COLUMN system_role;

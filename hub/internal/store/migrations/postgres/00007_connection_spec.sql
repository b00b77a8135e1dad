-- +goose Up
-- A connection's structured vendor configuration (JSON): the generic HTTP connector's request templates,
-- response mappings, pagination and actions. Empty for built-in vendors.
ALTER TABLE connections ADD COLUMN spec TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE connections DROP COLUMN spec;

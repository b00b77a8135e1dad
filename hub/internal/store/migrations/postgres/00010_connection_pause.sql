-- +goose Up
-- The time before which no request may go to a connection: what the vendor last gave (Retry-After, or
-- a spent rate-limit budget's reset). Stored so that a replica taking over the work honours it.
ALTER TABLE connection_health ADD COLUMN paused_until BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE connection_health DROP COLUMN paused_until;

-- +goose Up
-- The state of the newest change received per vendor user, with its time: the same change reported
-- again (a poll after the webhook, a redelivery under another id) is told apart from a new one.
ALTER TABLE webhook_user_events ADD COLUMN state TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE webhook_user_events DROP COLUMN state;

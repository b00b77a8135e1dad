-- +goose Up
-- "Skip validation of unavailable codes": unmapped statuses are written as the tenant's default unavailable.
ALTER TABLE rules ADD COLUMN skip_unavailable_validation INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rules DROP COLUMN skip_unavailable_validation;

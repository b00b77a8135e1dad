-- +goose Up
-- "Skip validation of unavailable codes": unmapped statuses are written as the tenant's default unavailable.
ALTER TABLE rules ADD COLUMN skip_unavailable_validation BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE rules DROP COLUMN skip_unavailable_validation;

-- +goose Up
CREATE INDEX audit_records_tenant ON audit_records (tenant_id, id);
CREATE INDEX audit_records_object ON audit_records (tenant_id, object_id, id);
ALTER TABLE api_keys ADD COLUMN last_use_time INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE api_keys DROP COLUMN last_use_time;
DROP INDEX audit_records_object;
DROP INDEX audit_records_tenant;

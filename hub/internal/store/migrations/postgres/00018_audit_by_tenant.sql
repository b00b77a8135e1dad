-- +goose Up
-- Audit records are read only tenant by tenant: the primary key is (tenant_id, id), and the separate
-- (tenant_id, id) index goes, so a mutation's record updates two indexes instead of three.
ALTER TABLE audit_records DROP CONSTRAINT audit_records_pkey;
ALTER TABLE audit_records ADD PRIMARY KEY (tenant_id, id);
DROP INDEX audit_records_tenant;

-- +goose Down
CREATE INDEX audit_records_tenant ON audit_records (tenant_id, id);
ALTER TABLE audit_records DROP CONSTRAINT audit_records_pkey;
ALTER TABLE audit_records ADD PRIMARY KEY (id);

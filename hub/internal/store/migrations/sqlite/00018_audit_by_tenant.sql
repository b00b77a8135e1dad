-- +goose Up
-- Audit records are read only tenant by tenant, oldest first (optionally about one object), so they
-- are kept in one b-tree ordered by (tenant_id, id) instead of a rowid table with an id index and a
-- (tenant_id, id) index: a mutation's record then updates two b-trees, not four.
CREATE TABLE audit_by_tenant (
    id          TEXT NOT NULL,
    tenant_id   TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
INSERT INTO audit_by_tenant (id, tenant_id, actor, action, object_type, object_id, create_time)
SELECT id, tenant_id, actor, action, object_type, object_id, create_time FROM audit_records;
DROP TABLE audit_records;
ALTER TABLE audit_by_tenant RENAME TO audit_records;
CREATE INDEX audit_records_object ON audit_records (tenant_id, object_id, id);

-- +goose Down
CREATE TABLE audit_by_id (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    create_time INTEGER NOT NULL
);
INSERT INTO audit_by_id SELECT id, tenant_id, actor, action, object_type, object_id, create_time FROM audit_records;
DROP TABLE audit_records;
ALTER TABLE audit_by_id RENAME TO audit_records;
CREATE INDEX audit_records_tenant ON audit_records (tenant_id, id);
CREATE INDEX audit_records_object ON audit_records (tenant_id, object_id, id);

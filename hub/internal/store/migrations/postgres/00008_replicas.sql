-- +goose Up
-- Several replicas on one database. An outbox write being delivered names the replica sending it; the
-- claim lasts until the row's next_attempt_time, and a claim of a replica that died is released by the
-- next leader. A running agent sync names the replica executing it, so the leader resumes only the runs
-- of replicas that died.
ALTER TABLE outbox ADD COLUMN claim_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sync_runs DROP COLUMN owner;
ALTER TABLE outbox DROP COLUMN claim_owner;

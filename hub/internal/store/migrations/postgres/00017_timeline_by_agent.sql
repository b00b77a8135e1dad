-- +goose Up
-- The timeline is read only agent by agent, newest first: its primary key is (agent_id, id), and the
-- separate (agent_id, id) index goes, so each change updates one index instead of two.
ALTER TABLE timeline DROP CONSTRAINT timeline_pkey;
ALTER TABLE timeline ADD PRIMARY KEY (agent_id, id);
DROP INDEX timeline_agent;

-- +goose Down
CREATE INDEX timeline_agent ON timeline (agent_id, id);
ALTER TABLE timeline DROP CONSTRAINT timeline_pkey;
ALTER TABLE timeline ADD PRIMARY KEY (id);

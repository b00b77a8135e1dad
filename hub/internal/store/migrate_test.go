package store

import (
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// latestMigration is the number of the newest embedded migration (the same for both dialects).
func latestMigration(t *testing.T) int64 {
	t.Helper()
	var latest int64
	for _, d := range []string{"sqlite", "postgres"} {
		files, err := fs.Glob(migrationFS, "migrations/"+d+"/*.sql")
		if err != nil || len(files) == 0 {
			t.Fatalf("listing %s migrations: %v", d, err)
		}
		n, err := strconv.ParseInt(strings.SplitN(filepath.Base(files[len(files)-1]), "_", 2)[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if latest != 0 && n != latest {
			t.Fatalf("the newest %s migration is %d, the other dialect's %d", d, n, latest)
		}
		latest = n
	}
	return latest
}

func TestMigrationsOnAnEmptyDatabase(t *testing.T) {
	s, err := Open(t.Context(), "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.SchemaVersion(t.Context())
	if want := latestMigration(t); err != nil || v != want {
		t.Fatalf("schema version %d (%v), want %d", v, err, want)
	}
	if err := s.Migrate(t.Context()); err != nil { // idempotent
		t.Fatal(err)
	}
}

// TestMigrationsOnAPopulatedDatabase fills a database at schema version 1 the way the hub then wrote it,
// migrates it to the latest version, and checks that every row survived and new columns got defaults.
func TestMigrationsOnAPopulatedDatabase(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "hub.db")
	raw, err := sqliteDialect{}.open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{db: raw, dialect: sqliteDialect{}, now: time.Now}
	p, err := old.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO tenants VALUES ('tn_1', 'acme', 'Acme', '{"system_state_policy":"refuse"}', 1, 1)`,
		`INSERT INTO teams VALUES ('tm_1', 'tn_1', 'Support', '', 1, 1)`,
		`INSERT INTO agents VALUES ('ag_1', 'tn_1', 'Ann@Acme.example', 'ann@acme.example', 'Ann', 1, 1)`,
		`INSERT INTO agent_teams VALUES ('ag_1', 'tm_1')`,
		`INSERT INTO api_keys VALUES ('ak_1', NULL, 'root', 'admin', 'phk_', 'hash1', 1)`,
		`INSERT INTO audit_records VALUES ('au_1', 'tn_1', 'api_key:ak_1', 'CreateTeam', 'team', 'tm_1', 1)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The timeline as it was before it was keyed by agent (migration 17).
	if _, err := p.UpTo(ctx, 16); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO timeline (id, tenant_id, agent_id, outcome, status, version, source, create_time) VALUES ('tl_01', 'tn_1', 'ag_1', 'applied', 'available', 1, 'device', 1)`,
		`INSERT INTO timeline (id, tenant_id, agent_id, outcome, status, version, source, create_time) VALUES ('tl_02', 'tn_1', 'ag_1', 'applied', 'busy', 2, 'device', 2)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	s, err := Open(ctx, "sqlite", path)
	if err != nil {
		t.Fatalf("migrating a populated database: %v", err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration(t) {
		t.Fatalf("schema version %d (%v), want %d", v, err, latestMigration(t))
	}
	tn, err := s.GetTenantByName(ctx, "acme")
	if err != nil || tn.Settings.SystemStatePolicy != "refuse" {
		t.Fatalf("tenant after migration: %+v, %v", tn, err)
	}
	ag, err := s.GetAgent(ctx, "tn_1", "ag_1")
	if err != nil || len(ag.TeamIDs) != 1 || ag.Email != "Ann@Acme.example" {
		t.Fatalf("agent after migration: %+v, %v", ag, err)
	}
	k, err := s.APIKeyByHash(ctx, "hash1")
	if err != nil || !k.LastUseTime.IsZero() {
		t.Fatalf("key after migration: %+v, %v", k, err)
	}
	if err := s.TouchAPIKey(ctx, "ak_1", time.Now()); err != nil {
		t.Fatalf("new column unusable: %v", err)
	}
	tl, _, err := s.ListTimeline(ctx, "tn_1", "ag_1", Page{})
	if err != nil || len(tl) != 2 || tl[0].ID != "tl_02" || tl[0].Status != "busy" || tl[1].ID != "tl_01" {
		t.Fatalf("timeline after migration: %v, %v; want tl_02 (busy) then tl_01", tl, err)
	}
	recs, _, err := s.ListAudit(ctx, "tn_1", "tm_1", Page{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit after migration: %v, %v", recs, err)
	}
}

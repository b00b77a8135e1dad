package store_test

import (
	"database/sql"
	"slices"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/testenv"
)

// TestPostgresMigrationsMatchSQLite keeps the two migration sets equivalent: the same version, tables,
// columns and indexes, and several replicas starting at once on an empty database migrate it once.
func TestPostgresMigrationsMatchSQLite(t *testing.T) {
	dsn := testenv.Postgres(t)
	var wg sync.WaitGroup
	dbs := make([]*store.DB, 3)
	errs := make([]error, 3)
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = store.Open(t.Context(), "postgres", dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d migrating: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	pg, lite := dbs[0], openSQLite(t)
	pv, err := pg.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if lv, _ := lite.SchemaVersion(t.Context()); pv != lv {
		t.Fatalf("postgres at version %d, sqlite at %d", pv, lv)
	}
	pgCols := strings(t, pg.SQL(), `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	liteCols := strings(t, lite.SQL(), `SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence')`)
	if !slices.Equal(pgCols, liteCols) {
		t.Errorf("columns differ:\npostgres %v\nsqlite   %v", pgCols, liteCols)
	}
	pgIdx := strings(t, pg.SQL(), `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`)
	liteIdx := strings(t, lite.SQL(), `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	if !slices.Equal(pgIdx, liteIdx) {
		t.Errorf("indexes differ:\npostgres %v\nsqlite   %v", pgIdx, liteIdx)
	}
	if len(pgCols) < 100 || len(pgIdx) < 10 {
		t.Fatalf("only %d columns and %d indexes: the schema queries read nothing", len(pgCols), len(pgIdx))
	}
}

// strings runs query and returns its one text column, sorted.
func strings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

package store_test

import (
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/store/storetest"
	"presencehub.dev/hub/internal/testenv"
)

func openSQLite(t *testing.T) *store.DB {
	t.Helper()
	s, err := store.Open(t.Context(), "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, openSQLite)
}

func openPostgres(t *testing.T) *store.DB {
	t.Helper()
	s, err := store.Open(t.Context(), "postgres", testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresConformance(t *testing.T) {
	testenv.PostgresServer(t) // skip (or fail in CI) once, not per subtest
	storetest.Run(t, openPostgres)
}

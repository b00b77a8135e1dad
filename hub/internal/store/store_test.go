package store_test

import (
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/store"
	"presencehub.dev/hub/internal/store/storetest"
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

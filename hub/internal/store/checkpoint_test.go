package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/store"
	"presencehub.dev/shared/testwait"
)

// Commits never checkpoint (that cost one change in ~250 several ms); the store's own loop copies the
// WAL into the database file while the hub runs, and Close leaves an empty WAL.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s, err := store.Open(t.Context(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	before := size(path)
	const tenants = 1500 // well past SQLite's automatic checkpoint at 1,000 WAL pages
	for i := range tenants {
		tn := &model.Tenant{ID: ids.New(ids.Tenant), Name: fmt.Sprintf("t%04d", i)}
		if err := s.CreateTenant(t.Context(), tn); err != nil {
			t.Fatal(err)
		}
	}
	if grew, _ := testwait.Poll(testwait.Default, func() (bool, string) { return size(path) > before, "" }); !grew {
		s.Close()
		t.Fatalf("the database file stayed at %d bytes (WAL %d bytes): nothing checkpointed it", before, size(path+"-wal"))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("closing: %v", err)
	}
	if n := size(path + "-wal"); n != 0 {
		t.Fatalf("closed store left a %d-byte WAL", n)
	}
	s, err = store.Open(t.Context(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	listed, page := 0, store.Page{Size: 500}
	for {
		got, next, err := s.ListTenants(t.Context(), page)
		if err != nil {
			t.Fatal(err)
		}
		listed += len(got)
		if next == "" {
			break
		}
		page.Token = next
	}
	if listed != tenants {
		t.Fatalf("reopened store lists %d tenants, want %d", listed, tenants)
	}
}

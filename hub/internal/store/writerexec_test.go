package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// label is a named string type, as model types are: database/sql converts it to a string, and so
// must the writer connection's own path.
type label string

// The writer connection's statements (run through the driver's prepared statements) store every
// argument type as database/sql stores it, report the rows they changed, and fail as it fails: a
// constraint error is the driver's, and an argument the driver cannot take is refused.
func TestWriterStatementsMatchDatabaseSQL(t *testing.T) {
	s, err := Open(t.Context(), "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY, i INTEGER, s TEXT, b INTEGER, f REAL, n TEXT)`); err != nil {
		t.Fatal(err)
	}
	args := func(k string) []any { return []any{k, int(42), label("busy"), true, 1.5, nil} }
	const insert = `INSERT INTO t (k, i, s, b, f, n) VALUES (?, ?, ?, ?, ?, ?)`
	if _, err := s.db.ExecContext(ctx, insert, args("via-database-sql")...); err != nil {
		t.Fatal(err)
	}
	var changed int64
	err = s.w.do(ctx, func(c *writerConn) error {
		if _, err := c.ExecContext(ctx, insert, args("via-writer")...); err != nil {
			return err
		}
		if _, ok := c.raw[insert]; !ok {
			t.Error("the statement did not run through the driver's prepared statement")
		}
		if _, err := c.ExecContext(ctx, insert, args("via-writer")...); err == nil {
			t.Error("a duplicate key was accepted")
		}
		if _, err := c.ExecContext(ctx, insert, "bad-arg", struct{}{}, "", false, 0.0, nil); err == nil {
			t.Error("an argument the driver cannot take was accepted")
		}
		res, err := c.ExecContext(ctx, `UPDATE t SET i = i + 1 WHERE k LIKE 'via-%'`)
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if changed != 2 {
		t.Errorf("update reported %d rows changed, want 2", changed)
	}
	read := func(k string) string {
		var i int64
		var str string
		var b bool
		var f float64
		var n sql.NullString
		if err := s.db.QueryRowContext(context.Background(), `SELECT i, s, b, f, n FROM t WHERE k = ?`, k).Scan(&i, &str, &b, &f, &n); err != nil {
			t.Fatalf("reading %s: %v", k, err)
		}
		return fmt.Sprint(i, str, b, f, n)
	}
	if a, b := read("via-database-sql"), read("via-writer"); a != b {
		t.Errorf("stored through database/sql %s, through the writer %s", a, b)
	}
}

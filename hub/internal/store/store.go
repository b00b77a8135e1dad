// Package store persists the hub's resources in SQL: SQLite (modernc.org/sqlite, pure Go) by default and
// PostgreSQL for scale-out. One set of queries serves both dialects; every tenant-scoped method takes the
// tenant id and filters by it, so no query can reach across tenants. Schema changes are versioned
// migrations embedded in the binary and applied on Open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// Sentinel errors. Callers test them with errors.Is; the API edge maps them to status codes.
var (
	// ErrNotFound means no row matched (or it belongs to another tenant).
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule was violated; a *ConflictError says which.
	ErrConflict = errors.New("already exists")
	// ErrVersionRace means another writer saved the agent's presence first: the compare-and-swap on
	// its version lost. Decide again on fresh state. Not a uniqueness conflict (ErrConflict).
	ErrVersionRace = errors.New("the presence changed meanwhile")
	// ErrInUse means the row is still referenced by another one and cannot be deleted.
	ErrInUse = errors.New("in use")
	// ErrInvalidPageToken means a page token was not one this store issued.
	ErrInvalidPageToken = errors.New("invalid page token")
	// ErrBusy means the database stayed locked past the write bound (SetWriteWait), or PostgreSQL
	// refused a lock or serialization; retrying later may succeed.
	ErrBusy = errors.New("the database is busy")
)

// ConflictError names the uniqueness rule a write broke.
type ConflictError struct {
	// Constraint is the violated constraint, e.g. "agents_email_key".
	Constraint string
}

func (e *ConflictError) Error() string { return "conflict on " + e.Constraint }

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// DB is the hub's database. Its methods are grouped per aggregate in the files of this package.
type DB struct {
	db      *sql.DB
	x       *stmts // s.db through cached prepared statements
	agents  agentCache
	dialect dialect
	now     func() time.Time
	commits committer // group commit of presence changes
	// w is SQLite's one writer (writer.go): every write takes a turn there; nil on PostgreSQL.
	w       *writer
	metrics *storeMetrics
	// checkpoints copies SQLite's write-ahead log into the database file off the commit path.
	checkpoints checkpointer
	// onChange is told what every local write to tenants, statuses, connections, rules, teams and
	// agents changed (OnChange).
	onChange atomic.Pointer[func(Change)]
}

// Open connects to the database named by driver ("sqlite" or "postgres") and dsn, and applies pending
// migrations. For sqlite, dsn is a file path.
func Open(ctx context.Context, driver, dsn string) (*DB, error) {
	d, err := dialectFor(driver)
	if err != nil {
		return nil, err
	}
	sqldb, err := d.open(dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s database: %w", driver, err)
	}
	s := &DB{db: sqldb, x: newStmts(sqldb), dialect: d, now: func() time.Time { return time.Now().UTC() }, metrics: newStoreMetrics()}
	if err := s.Migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if d.name() == "sqlite" {
		if s.w, err = newWriter(ctx, s); err != nil {
			sqldb.Close()
			return nil, err
		}
		s.x.w = s.w
		s.startCheckpointer()
	}
	return s, nil
}

// Close releases the database.
func (s *DB) Close() error {
	s.stopCommitter()
	cerr := s.stopCheckpointer()
	s.x.close()
	if s.w != nil {
		cerr = errors.Join(cerr, s.w.close())
	}
	return errors.Join(cerr, s.db.Close())
}

// SetWriteWait bounds how long a write waits for SQLite's write lock before it is refused with
// ErrBusy (DefaultWriteWait unless set). PostgreSQL writes wait for row locks as the server decides.
func (s *DB) SetWriteWait(ctx context.Context, d time.Duration) error {
	if s.w == nil || d <= 0 {
		return nil
	}
	return s.w.setBound(ctx, d)
}

// Ping checks that the database answers; /readyz uses it.
func (s *DB) Ping(ctx context.Context) error {
	var one int
	if err := s.x.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("pinging database: %w", err)
	}
	return nil
}

// SetMaxConns bounds the connections the store opens (n ≤ 0 keeps the dialect's default: unbounded
// for SQLite, DefaultPostgresConns for PostgreSQL). SQLite gets one more, which its writer keeps
// (writerconn.go), so n connections remain for everyone else.
func (s *DB) SetMaxConns(n int) {
	if n > 0 && s.dialect.name() == "sqlite" {
		n++
	}
	if n > 0 {
		s.db.SetMaxOpenConns(n)
		s.db.SetMaxIdleConns(n)
	}
}

// Rebind rewrites a query written with ? placeholders for the store's dialect (for raw queries on SQL).
func (s *DB) Rebind(query string) string { return s.q(query) }

// SQL exposes the underlying handle for tests and tools that need raw access.
func (s *DB) SQL() *sql.DB { return s.db }

// Driver names the database engine ("sqlite" or "postgres").
func (s *DB) Driver() string { return s.dialect.name() }

// q rewrites a query written with ? placeholders for the dialect.
func (s *DB) q(query string) string { return s.dialect.rebind(query) }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction, committing when it returns nil. On SQLite the transaction takes the
// writer's turn (writer.go): fn must use tx alone — a write through s.x from inside fn would wait for
// the turn fn holds.
func (s *DB) inTx(ctx context.Context, fn func(tx queryer) error) error {
	if s.w != nil {
		return s.w.inTx(ctx, fn)
	}
	err := s.poolTx(ctx, fn)
	if errors.Is(err, ErrBusy) {
		s.metrics.busy.Inc()
	}
	return err
}

// poolTx runs fn in a transaction on a pooled connection (PostgreSQL).
func (s *DB) poolTx(ctx context.Context, fn func(tx queryer) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", s.mapErr(err))
	}
	if err := fn(txStmts{c: s.x, tx: tx}); err != nil {
		_ = tx.Rollback()
		return s.mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", s.mapErr(err))
	}
	return nil
}

// mapErr turns driver errors into this package's sentinels.
func (s *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return s.dialect.mapErr(err)
}

// micros and fromMicros store times as Unix microseconds, portable across dialects.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// affectedOne returns ErrNotFound when an UPDATE or DELETE touched no row.
func affectedOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("reading affected rows: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Store is everything the hub persists, one small interface per aggregate.
type Store interface {
	Tenants
	Statuses
	Teams
	Agents
	Connections
	Rules
	APIKeys
	Audit
	Presences
	Devices
	Outbox
	Health
	SyncRuns
	Ping(ctx context.Context) error
}

var _ Store = (*DB)(nil)

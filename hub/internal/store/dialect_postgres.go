package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

func init() { dialects["postgres"] = postgresDialect{} }

// Pool defaults for PostgreSQL. Every replica holds up to DefaultPostgresConns connections (one of
// them, while it runs, the leadership connection), so N replicas need N × that within the server's
// max_connections.
const (
	// DefaultPostgresConns bounds a replica's open connections.
	DefaultPostgresConns = 16
	postgresConnIdle     = 5 * time.Minute
	postgresConnLifetime = time.Hour
)

// migrationLockID is the advisory lock replicas take while migrating, so that several starting at once
// apply each migration once ("presencehub-migrate").
const migrationLockID int64 = 0x70686d6967726174

type postgresDialect struct{}

func (postgresDialect) name() string           { return "postgres" }
func (postgresDialect) gooseDialect() string   { return "postgres" }
func (postgresDialect) rebind(q string) string { return rebindDollar(q) }

// open connects through pgx's database/sql driver with a bounded pool.
func (postgresDialect) open(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing postgres dsn: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" { // names the hub's sessions in pg_stat_activity
		cfg.RuntimeParams["application_name"] = "presence-hub"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(DefaultPostgresConns)
	db.SetMaxIdleConns(DefaultPostgresConns)
	db.SetConnMaxIdleTime(postgresConnIdle)
	db.SetConnMaxLifetime(postgresConnLifetime)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrationOptions serializes migrations across replicas with a session-level advisory lock, polled
// every second for up to five minutes.
func (postgresDialect) migrationOptions() ([]goose.ProviderOption, error) {
	l, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("creating migration lock: %w", err)
	}
	return []goose.ProviderOption{goose.WithSessionLocker(l)}, nil
}

// mapErr turns PostgreSQL's SQLSTATEs into the store's sentinels: unique violations name the
// constraint as the SQLite dialect does, foreign key violations mean the row is in use.
func (postgresDialect) mapErr(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w", &ConflictError{Constraint: postgresConstraintName(pe.ConstraintName, pe.TableName)})
	case "23503": // foreign_key_violation
		return fmt.Errorf("%w: %s", ErrInUse, pe.Message)
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available: retry later
		return fmt.Errorf("%w: %s", ErrBusy, pe.Message)
	}
	return err
}

// postgresConstraintName keeps the constraints callers know by name (the ones the SQLite dialect
// recognises) and names any other after its table, as SQLite's fallback does ("devices_key").
func postgresConstraintName(constraint, table string) string {
	if _, ok := sqliteUniqueColumns[constraint]; ok {
		return constraint
	}
	if table == "" {
		return "unique"
	}
	return table + "_key"
}

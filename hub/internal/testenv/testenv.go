// Package testenv gives tests the external services of a scaled-out hub: a throwaway PostgreSQL
// database on the server named by PRESENCE_TEST_POSTGRES, and the NATS server named by
// PRESENCE_TEST_NATS. A test needing one that is not configured is skipped locally, with a message
// saying what to set; in CI (CI set, or PRESENCE_TEST_POSTGRES_REQUIRED=1) it fails instead, so a
// missing service never passes silently.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables.
const (
	// EnvPostgres is a DSN of a PostgreSQL server where tests may create and drop databases, e.g.
	// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
	EnvPostgres = "PRESENCE_TEST_POSTGRES"
	// EnvNATS is a NATS server URL, e.g. nats://127.0.0.1:4222.
	EnvNATS = "PRESENCE_TEST_NATS"
	// EnvRequired set to 1 makes a missing service fail the test (as CI does).
	EnvRequired = "PRESENCE_TEST_POSTGRES_REQUIRED"
)

// Required reports whether tests must have the external services (CI, or EnvRequired=1).
func Required() bool { return os.Getenv("CI") != "" || os.Getenv(EnvRequired) == "1" }

// missing skips t, or fails it when the services are required.
func missing(t testing.TB, env, example string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not set (e.g. %s)", env, example)
	if Required() {
		t.Fatalf("%s, but CI or %s=1 requires it", msg, EnvRequired)
	}
	t.Skipf("%s: skipping", msg)
}

// NATS returns the NATS server URL of EnvNATS.
func NATS(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvNATS)
	if u == "" {
		missing(t, EnvNATS, "nats://127.0.0.1:4222")
	}
	return u
}

// PostgresServer returns the DSN of EnvPostgres (a server where databases may be created).
func PostgresServer(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		missing(t, EnvPostgres, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	return admin
}

// Postgres creates a database presence_test_<random> on the server of EnvPostgres, drops it when the
// test ends, and returns its DSN.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := PostgresServer(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "presence_test_" + hex.EncodeToString(b)
	if err := adminExec(admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		if err := adminExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	return dsn
}

// adminExec runs one statement on the server's maintenance database.
func adminExec(dsn, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// withDatabase returns dsn (a URL) pointing at database name.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("want a postgres:// URL, got %q", dsn)
	}
	u.Path = "/" + name
	return u.String(), nil
}

package hubtest

import (
	"os"
	"sync"
	"testing"

	"presencehub.dev/hub/internal/config"
	"presencehub.dev/hub/internal/testenv"
)

// EnvStore set to "postgres" runs every hub a test starts on a throwaway PostgreSQL database
// (testenv.Postgres) instead of SQLite, so a package's tests can be run against both stores; hubs
// started on the same data dir (a restart) share the database.
const EnvStore = "PRESENCE_TEST_HUB_STORE"

// WithPostgres runs the hub on the PostgreSQL database of dsn (see testenv.Postgres).
func WithPostgres(dsn string) Option {
	return func(c *config.Config) { c.Database.Driver, c.Database.DSN = "postgres", dsn }
}

// WithNATS makes the hub a replica that exchanges events with the others on the NATS server of url,
// under environment (hubs of one test share one; tests use their own).
func WithNATS(url, environment string) Option {
	return func(c *config.Config) { c.Bus.Driver, c.Bus.NATSURL, c.Bus.Environment = "nats", url, environment }
}

var (
	pgMu    sync.Mutex
	pgByDir = map[string]string{} // data dir -> dsn of the database its hub used
)

// onPostgresWhenAsked moves a SQLite hub to PostgreSQL when EnvStore says so.
func onPostgresWhenAsked(t testing.TB, cfg *config.Config) {
	if os.Getenv(EnvStore) != "postgres" || cfg.Database.Driver != "sqlite" || cfg.Database.DSN != "" {
		return
	}
	pgMu.Lock()
	defer pgMu.Unlock()
	dsn, ok := pgByDir[cfg.DataDir]
	if !ok {
		dsn = testenv.Postgres(t)
		pgByDir[cfg.DataDir] = dsn
	}
	WithPostgres(dsn)(cfg)
}

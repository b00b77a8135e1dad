package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func init() { dialects["sqlite"] = sqliteDialect{} }

type sqliteDialect struct{}

func (sqliteDialect) name() string         { return "sqlite" }
func (sqliteDialect) gooseDialect() string { return "sqlite3" }
func (sqliteDialect) rebind(q string) string {
	return q
}

// migrationOptions: one process owns a SQLite file, so migrations need no lock.
func (sqliteDialect) migrationOptions() ([]goose.ProviderOption, error) { return nil, nil }

// sqliteMaxConns bounds SQLite connections: readers run in parallel under WAL, writers take turns.
const sqliteMaxConns = 17 // 16 plus the one the writer keeps (writer.go)

// open uses WAL, foreign keys, a busy timeout and immediate transactions (so a read-then-write
// transaction never fails to upgrade its lock). Automatic checkpoints are off: the store checkpoints
// from a goroutine of its own (checkpoint.go), so no commit pays for one.
func (sqliteDialect) open(path string) (*sql.DB, error) {
	v := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)", "wal_autocheckpoint(0)"} {
		v.Add("_pragma", p)
	}
	v.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+v.Encode())
	if err != nil {
		return nil, err
	}
	// Keep the connections that were opened: database/sql's default keeps 2 idle, so under concurrent
	// load it would close and reopen connections all the time, each reopen re-running the pragmas and
	// re-preparing every cached statement (seen as half the CPU of a busy hub in SQLite's parser).
	db.SetMaxOpenConns(sqliteMaxConns)
	db.SetMaxIdleConns(sqliteMaxConns)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

var sqliteConstraint = regexp.MustCompile(`constraint failed: ([a-z_]+)\.([a-z_]+)`)

func (sqliteDialect) mapErr(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	if se.Code()&0xff == sqlite3.SQLITE_BUSY { // the busy timeout ran out: another process holds the lock
		return fmt.Errorf("%w: %v", ErrBusy, se)
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w", &ConflictError{Constraint: sqliteConstraintName(se.Error())})
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %v", ErrInUse, se)
	}
	return err
}

// sqliteConstraintName derives the PostgreSQL-style constraint name ("agents_email_key") from SQLite's
// message ("UNIQUE constraint failed: agents.tenant_id, agents.email_key"), so callers see one vocabulary.
func sqliteConstraintName(msg string) string {
	m := sqliteConstraint.FindStringSubmatch(msg)
	if m == nil {
		return "unique"
	}
	cols := msg[strings.LastIndex(msg, "failed: ")+len("failed: "):]
	if i := strings.Index(cols, " ("); i >= 0 {
		cols = cols[:i]
	}
	for name, sig := range sqliteUniqueColumns {
		if cols == sig {
			return name
		}
	}
	return m[1] + "_key"
}

// sqliteUniqueColumns maps each unique constraint to SQLite's rendering of its columns.
var sqliteUniqueColumns = map[string]string{
	"tenants_name_key":              "tenants.name",
	"statuses_name_key":             "statuses.tenant_id, statuses.name",
	"teams_name_key":                "teams.tenant_id, teams.name",
	"agents_email_key":              "agents.tenant_id, agents.email_key",
	"connections_name_key":          "connections.tenant_id, connections.name",
	"agent_identities_external_key": "agent_identities.connection_id, agent_identities.external_id",
	"agent_identities_pkey":         "agent_identities.agent_id, agent_identities.connection_id",
	"rules_name_key":                "rules.tenant_id, rules.name",
	"rule_teams_connection_key":     "rule_teams.connection_id, rule_teams.team_id",
	"rule_agents_connection_key":    "rule_agents.connection_id, rule_agents.agent_id",
	"api_keys_hash_key":             "api_keys.hash",
	"sync_runs_active_key":          "sync_runs.connection_id",
}

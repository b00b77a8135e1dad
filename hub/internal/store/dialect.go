package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// dialect hides what differs between SQLite and PostgreSQL: opening, placeholders, error codes and the
// migration set.
type dialect interface {
	name() string
	open(dsn string) (*sql.DB, error)
	rebind(query string) string
	mapErr(err error) error
	gooseDialect() string
	// migrationOptions adjusts the goose provider (PostgreSQL: a lock so replicas migrate one at a time).
	migrationOptions() ([]goose.ProviderOption, error)
}

var dialects = map[string]dialect{}

func dialectFor(driver string) (dialect, error) {
	d, ok := dialects[driver]
	if !ok {
		return nil, fmt.Errorf("unknown database driver %q (want sqlite or postgres)", driver)
	}
	return d, nil
}

// rebindDollar turns ? placeholders into $1, $2, ... (queries here never contain a literal ?).
func rebindDollar(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

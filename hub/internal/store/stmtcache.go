package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache; queries built at run time (IN lists of varying
// length) beyond it are run unprepared.
const maxCachedStatements = 256

// stmts runs queries through prepared statements kept for the life of the database handle, so a
// query's SQL is parsed and planned once per pooled connection instead of on every call. The hot
// path (a status change: read the agent, read the presence, write presence and timeline) was spending
// about a third of its CPU in SQLite's parser before this.
type stmts struct {
	db *sql.DB
	mu sync.RWMutex
	by map[string]*sql.Stmt
}

func newStmts(db *sql.DB) *stmts { return &stmts{db: db, by: map[string]*sql.Stmt{}} }

// get returns the prepared statement for query, or nil when it cannot be cached.
func (c *stmts) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.by[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.by[query]; st != nil {
		return st
	}
	if len(c.by) >= maxCachedStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error with its context
	}
	c.by[query] = st
	return st
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.by {
		_ = st.Close()
		delete(c.by, q)
	}
}

func (c *stmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// txStmts is stmts inside a transaction: the cached statement is bound to the transaction's connection,
// reusing that connection's prepared copy when it has one.
type txStmts struct {
	c  *stmts
	tx *sql.Tx
}

func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.get(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

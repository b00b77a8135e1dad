package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
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
	// w, on SQLite, is the writer that single-statement writes (ExecContext) go through; reads use the pool.
	w  *writer
	mu sync.RWMutex
	by map[string]*sql.Stmt
}

func newStmts(db *sql.DB) *stmts { return &stmts{db: db, by: map[string]*sql.Stmt{}} }

// lookup returns the cached statement for query, or nil.
func (c *stmts) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.by[query]
}

// get returns the prepared statement for query, preparing it on first use, or nil when it cannot be
// cached. Preparing takes a pooled connection, so it runs outside the lock and never inside a
// transaction (see txStmts).
func (c *stmts) get(ctx context.Context, query string) *sql.Stmt {
	if st := c.lookup(query); st != nil {
		return st
	}
	c.mu.RLock()
	full := len(c.by) >= maxCachedStatements
	c.mu.RUnlock()
	if full {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error with its context
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.by[query]; old != nil || len(c.by) >= maxCachedStatements {
		_ = st.Close() // prepared twice at once, or the cache filled meanwhile
		return old
	}
	c.by[query] = st
	return st
}

// warm prepares query in the background for the next caller.
func (c *stmts) warm(query string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.get(ctx, query)
	}()
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.by {
		_ = st.Close()
		delete(c.by, q)
	}
}

// ExecContext runs a write. On SQLite it takes the writer's turn and runs on the writer's connection.
func (c *stmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.w != nil {
		var res sql.Result
		err := c.w.do(ctx, func(wc *writerConn) error {
			var err error
			res, err = wc.ExecContext(ctx, query, args...)
			return wc.s.mapErr(err)
		})
		return res, err
	}
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

// txStmts is stmts inside a transaction: a cached statement is bound to the transaction's connection,
// reusing that connection's prepared copy when it has one. A statement not cached yet runs unprepared
// on the transaction and is prepared in the background: preparing it here would wait for a second
// pooled connection while holding one, and with every connection held by such a transaction the pool
// would deadlock.
type txStmts struct {
	c  *stmts
	tx *sql.Tx
}

func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	t.c.warm(query)
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	t.c.warm(query)
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	t.c.warm(query)
	return t.tx.QueryRowContext(ctx, query, args...)
}

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// writerConn is SQLite's one connection for writing, held for the store's life and used only by the
// holder of the writer's turn (writer.go): the committer's groups, every transaction and every
// single-statement write. Owning the connection lets a write skip what database/sql's Tx costs: BEGIN
// and COMMIT parsed again by the driver each time, a goroutine watching the transaction's context, and
// one per statement watching the caller's (statements run without cancellation: a write that has
// started is finished, and holds the lock for milliseconds). The statements, BEGIN IMMEDIATE and COMMIT
// included, are prepared once on this connection.
type writerConn struct {
	s    *DB
	conn *sql.Conn
	by   map[string]*sql.Stmt
	// raw holds the driver's prepared statements for ExecContext (writerexec.go); named holds the
	// arguments converted for the driver, reused from one statement to the next.
	raw   map[string]driver.Stmt
	named []driver.NamedValue
	// pragmas (name → value) are set again on a connection that replaces a broken one (the busy timeout).
	pragmas map[string]string
	// broken: a rollback failed, so the connection may still be inside a transaction.
	broken bool
}

func (s *DB) newWriterConn(ctx context.Context) (*writerConn, error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("reserving the writer connection: %w", err)
	}
	return &writerConn{s: s, conn: c, by: map[string]*sql.Stmt{}, raw: map[string]driver.Stmt{}, pragmas: map[string]string{}}, nil
}

// inTx has the signature of DB.inTx: fn's statements run in one immediate transaction on the connection.
func (w *writerConn) inTx(_ context.Context, fn func(tx queryer) error) error {
	if w.broken {
		if err := w.renew(context.Background()); err != nil {
			return err
		}
	}
	if _, err := w.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("beginning transaction: %w", w.s.mapErr(err))
	}
	if err := fn(w); err != nil {
		return errors.Join(w.s.mapErr(err), w.rollback())
	}
	if _, err := w.ExecContext(context.Background(), "COMMIT"); err != nil {
		return fmt.Errorf("committing: %w", errors.Join(w.s.mapErr(err), w.rollback()))
	}
	return nil
}

// rollback ends a transaction that failed. SQLite may have ended it already ("no transaction is
// active"); any other failure leaves the connection in an unknown state, so it is discarded and the
// next transaction starts on a fresh one.
func (w *writerConn) rollback() error {
	_, err := w.ExecContext(context.Background(), "ROLLBACK")
	if err == nil || strings.Contains(err.Error(), "no transaction is active") {
		return nil
	}
	w.broken = true
	return fmt.Errorf("rolling back: %w", err)
}

// renew replaces a discarded connection.
func (w *writerConn) renew(ctx context.Context) error {
	w.closeStmts()
	_ = w.conn.Raw(func(any) error { return driver.ErrBadConn }) // database/sql drops the connection
	_ = w.conn.Close()
	c, err := w.s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("replacing the writer connection: %w", err)
	}
	w.conn, w.broken = c, false
	for name, value := range w.pragmas {
		if _, err := c.ExecContext(ctx, "PRAGMA "+name+" = "+value); err != nil {
			return fmt.Errorf("preparing the writer connection: %w", err)
		}
	}
	return nil
}

// pragma sets a pragma on the connection now and on any connection that replaces it.
func (w *writerConn) pragma(ctx context.Context, name, value string) error {
	if _, err := w.conn.ExecContext(ctx, "PRAGMA "+name+" = "+value); err != nil {
		return fmt.Errorf("setting %s on the writer connection: %w", name, err)
	}
	w.pragmas[name] = value
	return nil
}

// stmt returns the statement for query prepared on the connection, or nil once the cache is full
// (the query then runs unprepared).
func (w *writerConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := w.by[query]; st != nil {
		return st, nil
	}
	if len(w.by) >= maxCachedStatements {
		return nil, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.by[query] = st
	return st, nil
}

func (w *writerConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if res, ok, err := w.execRaw(query, args); ok {
		return res, err
	}
	ctx = context.WithoutCancel(ctx)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return w.conn.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (w *writerConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return w.conn.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (w *writerConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	st, err := w.stmt(ctx, query)
	if err != nil || st == nil {
		return w.conn.QueryRowContext(ctx, query, args...) // runs it unprepared, or reports err
	}
	return st.QueryRowContext(ctx, args...)
}

func (w *writerConn) closeStmts() {
	w.closeRaw()
	for q, st := range w.by {
		_ = st.Close()
		delete(w.by, q)
	}
}

func (w *writerConn) close() error {
	w.closeStmts()
	return w.conn.Close()
}

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// writerConn is the SQLite committer's own connection, held for the store's life and used by the
// commit goroutine alone. SQLite has one writer at a time anyway; owning the connection lets a commit
// skip what database/sql's Tx costs on every change: BEGIN and COMMIT parsed again by the driver each
// time, a goroutine watching the transaction's context, and one per statement watching the caller's
// (the committer runs statements without cancellation: a change it has started is committed). The
// statements, BEGIN IMMEDIATE and COMMIT included, are prepared once on this connection.
type writerConn struct {
	s    *DB
	conn *sql.Conn
	by   map[string]*sql.Stmt
	// broken: a rollback failed, so the connection may still be inside a transaction.
	broken bool
}

func (s *DB) newWriterConn(ctx context.Context) (*writerConn, error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("reserving the writer connection: %w", err)
	}
	return &writerConn{s: s, conn: c, by: map[string]*sql.Stmt{}}, nil
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
	return nil
}

func (w *writerConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := w.by[query]; st != nil {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(w.by) < maxCachedStatements {
		w.by[query] = st
	}
	return st, nil
}

func (w *writerConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(context.WithoutCancel(ctx), args...)
}

func (w *writerConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(context.WithoutCancel(ctx), args...)
}

func (w *writerConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return w.conn.QueryRowContext(context.WithoutCancel(ctx), query, args...) // reports err
	}
	return st.QueryRowContext(context.WithoutCancel(ctx), args...)
}

func (w *writerConn) closeStmts() {
	for q, st := range w.by {
		_ = st.Close()
		delete(w.by, q)
	}
}

func (w *writerConn) close() error {
	w.closeStmts()
	return w.conn.Close()
}

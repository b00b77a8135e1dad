package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// The writer connection runs its statements through the SQLite driver's own prepared statements,
// under database/sql's Conn.Raw: database/sql's Stmt.ExecContext costs, per call, a new argument
// slice, a context, a result wrapper and its statement bookkeeping: on a presence change (BEGIN, two
// or three statements, COMMIT) a fifth of what the hub allocated per change (6.6 → 5.3 KB), and so of
// its garbage collections. The arguments are converted exactly as database/sql converts them for a
// driver without a NamedValueChecker (driver.DefaultParameterConverter), into a slice the connection
// keeps.

// execRaw runs query's statement prepared on the driver connection with args. ok is false when the
// statement cannot be kept (the cache is full, or the driver prepares no such statements): the
// caller then runs it through database/sql.
func (w *writerConn) execRaw(query string, args []any) (res sql.Result, ok bool, err error) {
	err = w.conn.Raw(func(dc any) error {
		st, err := w.prepared(dc, query)
		if st == nil || err != nil {
			ok = err != nil
			return err
		}
		ok = true
		nv := w.named[:0]
		defer func() { clear(nv); w.named = nv[:0] }() // keep no caller's values alive
		for i, a := range args {
			v, err := driver.DefaultParameterConverter.ConvertValue(a)
			if err != nil {
				return fmt.Errorf("converting argument $%d type %T: %w", i+1, a, err)
			}
			nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: v})
		}
		res, err = st.ExecContext(context.Background(), nv)
		return err
	})
	return res, ok, err
}

// prepared returns query's statement on the driver connection dc, preparing it the first time; nil
// (and no error) when it is not to be kept.
func (w *writerConn) prepared(dc any, query string) (driver.StmtExecContext, error) {
	if st, ok := w.raw[query].(driver.StmtExecContext); ok {
		return st, nil
	}
	pc, can := dc.(driver.ConnPrepareContext)
	if !can || len(w.raw) >= maxCachedStatements {
		return nil, nil
	}
	st, err := pc.PrepareContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	ex, can := st.(driver.StmtExecContext)
	if !can {
		return nil, st.Close()
	}
	w.raw[query] = st
	return ex, nil
}

// closeRaw closes the driver's prepared statements (before the connection is closed or replaced).
func (w *writerConn) closeRaw() {
	if len(w.raw) == 0 {
		return
	}
	_ = w.conn.Raw(func(any) error {
		var errs []error
		for q, st := range w.raw {
			errs = append(errs, st.Close())
			delete(w.raw, q)
		}
		return errors.Join(errs...)
	})
}

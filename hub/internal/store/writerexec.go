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
// its garbage collections. The arguments are converted exactly as database/sql converts them for a driver without
// a NamedValueChecker (driver.DefaultParameterConverter), into a slice the connection keeps.

// execRaw runs query's statement prepared on the driver connection with args. ok is false when the
// statement cache is full (the caller runs it through database/sql instead).
func (w *writerConn) execRaw(query string, args []any) (res sql.Result, ok bool, err error) {
	err = w.conn.Raw(func(dc any) error {
		st := w.raw[query]
		if st == nil {
			if len(w.raw) >= maxCachedStatements {
				return nil
			}
			pc, can := dc.(driver.ConnPrepareContext)
			if !can {
				return nil
			}
			var perr error
			if st, perr = pc.PrepareContext(context.Background(), query); perr != nil {
				ok = true
				return perr
			}
			w.raw[query] = st
		}
		ex, can := st.(driver.StmtExecContext)
		if !can {
			return nil
		}
		ok = true
		nv := w.named[:0]
		for i, a := range args {
			v, cerr := driver.DefaultParameterConverter.ConvertValue(a)
			if cerr != nil {
				return fmt.Errorf("converting argument $%d type %T: %w", i+1, a, cerr)
			}
			nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: v})
		}
		r, xerr := ex.ExecContext(context.Background(), nv)
		clear(nv) // keep no caller's values alive
		w.named = nv[:0]
		if xerr != nil {
			return xerr
		}
		res = r
		return nil
	})
	return res, ok, err
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

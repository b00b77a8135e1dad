package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"presencehub.dev/hub/internal/clock"
)

// DefaultWriteWait bounds how long a write waits for its turn at SQLite's write lock before it is
// refused with ErrBusy (the API answers 503 with Retry-After). Under load a turn comes within
// milliseconds; only something outside the hub's discipline (another process holding the database)
// makes a write wait this long.
const DefaultWriteWait = 5 * time.Second

// writer is SQLite's one writer discipline. SQLite lets one connection write at a time, and a
// connection that finds the lock taken polls for it from its busy handler, sleeping up to 100 ms
// between tries: it gets the lock only if it happens to look while nobody holds it. With the group
// committer's transactions following each other back to back, an admin write on a pooled connection
// could lose every try for 10 s and fail with SQLITE_BUSY (issue 25). So every write of the store —
// the committer's groups, every transaction (DB.inTx) and every single-statement write (stmts.ExecContext)
// — takes a turn here first: turns are granted in arrival order, and the holder writes on the one
// connection kept for writing (writerConn), so SQLite never sees two writers from this process and its
// busy handler never runs. Pooled connections only read. Whoever holds the turn never waits for another
// goroutine or for a pooled connection: its statements all run on the writer's connection.
type writer struct {
	turn  *semaphore.Weighted // one turn; waiters are served first come, first served
	conn  *writerConn
	clock clock.Clock
	bound atomic.Int64 // nanoseconds a write waits for its turn before ErrBusy
	m     *storeMetrics
}

func newWriter(ctx context.Context, s *DB) (*writer, error) {
	c, err := s.newWriterConn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{turn: semaphore.NewWeighted(1), conn: c, clock: clock.Real(), m: s.metrics}
	if err := w.setBound(ctx, DefaultWriteWait); err != nil {
		c.close()
		return nil, err
	}
	return w, nil
}

// setBound sets how long a write waits for its turn, and SQLite's busy timeout on the writer's
// connection to match (the lock can then only be held by another process).
func (w *writer) setBound(ctx context.Context, d time.Duration) error {
	return w.do(ctx, func(c *writerConn) error {
		if err := c.pragma(ctx, "busy_timeout", strconv.FormatInt(d.Milliseconds(), 10)); err != nil {
			return err
		}
		w.bound.Store(int64(d))
		return nil
	})
}

// do runs fn on the writer's connection during a turn: it waits in line, for at most the bound (then
// ErrBusy) or until ctx ends.
func (w *writer) do(ctx context.Context, fn func(c *writerConn) error) error {
	if w.turn.TryAcquire(1) { // nobody writing: no timer to arm
		w.m.writeWait.Observe(0)
		return w.run(fn)
	}
	start := w.clock.Now()
	wait, cancel := context.WithCancelCause(ctx)
	t := w.clock.AfterFunc(time.Duration(w.bound.Load()), func() { cancel(ErrBusy) })
	err := w.turn.Acquire(wait, 1)
	t.Stop()
	cancel(nil)
	w.m.writeWait.Observe(w.clock.Since(start).Seconds())
	if err != nil {
		if cause := context.Cause(wait); errors.Is(cause, ErrBusy) && ctx.Err() == nil {
			w.m.busy.Inc()
			return fmt.Errorf("waited %v for the write lock: %w", w.clock.Since(start).Round(time.Millisecond), ErrBusy)
		}
		return fmt.Errorf("waiting for the write lock: %w", err)
	}
	return w.run(fn)
}

// run runs fn during the turn the caller holds, and ends the turn.
func (w *writer) run(fn func(c *writerConn) error) error {
	defer w.turn.Release(1)
	err := fn(w.conn)
	if errors.Is(err, ErrBusy) { // SQLite's own busy timeout: another process holds the database
		w.m.busy.Inc()
	}
	return err
}

// inTx has the signature of DB.inTx: fn runs in one immediate transaction on the writer's connection.
func (w *writer) inTx(ctx context.Context, fn func(tx queryer) error) error {
	return w.do(ctx, func(c *writerConn) error { return c.inTx(ctx, fn) })
}

// close releases the writer's connection once the writes in progress are done.
func (w *writer) close() error {
	return w.do(context.Background(), func(c *writerConn) error { return c.close() })
}

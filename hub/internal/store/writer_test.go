package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"presencehub.dev/hub/internal/clock"
	"presencehub.dev/hub/internal/ids"
	"presencehub.dev/hub/internal/model"
	"presencehub.dev/shared/testwait"
)

// openWriterTest opens a SQLite store whose writer waits on a fake clock.
func openWriterTest(t *testing.T) (*DB, *clock.Fake) {
	t.Helper()
	s, err := Open(t.Context(), "sqlite", filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fake := clock.NewFake(time.Time{})
	s.w.clock = fake
	return s, fake
}

func newTenant(name string) *model.Tenant { return &model.Tenant{ID: ids.New(ids.Tenant), Name: name} }

// waitingForTurn counts the goroutines waiting inside the writer's semaphore.
func waitingForTurn() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "semaphore.(*Weighted).Acquire(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Writes take turns in the order they asked; a write still waiting when its bound passes gives up with
// ErrBusy, counted on /metrics, and one whose caller gives up first ends with the caller's error.
func TestWritesTakeTurnsInArrivalOrder(t *testing.T) {
	s, fake := openWriterTest(t)
	ctx := t.Context()
	if err := s.w.turn.Acquire(ctx, 1); err != nil { // a write in progress
		t.Fatal(err)
	}
	const n = 5
	done := make(chan error, n)
	for i := range n {
		go func() { done <- s.CreateTenant(ctx, newTenant(fmt.Sprintf("t%d", i))) }()
		// The next one asks once this one is in line: its bound's timer armed on the clock, and the
		// goroutine waiting inside the semaphore (arming comes just before it gets in line).
		if err := fake.BlockUntilContext(ctx, i+1); err != nil {
			t.Fatal(err)
		}
		testwait.For(t, fmt.Sprintf("%d writes waiting for their turn", i+1), func() bool { return waitingForTurn() == i+1 })
	}
	s.w.turn.Release(1)
	for range n {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM tenants ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		order = append(order, name)
	}
	rows.Close()
	if got := fmt.Sprint(order); got != "[t0 t1 t2 t3 t4]" {
		t.Fatalf("written in the order %s, want t0..t4 as they asked", got)
	}

	// The bound: a write waiting behind one that never ends gives up when it passes.
	if err := s.w.turn.Acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	go func() { done <- s.CreateTenant(ctx, newTenant("late")) }()
	if err := fake.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	fake.Advance(DefaultWriteWait)
	if err := <-done; !errors.Is(err, ErrBusy) {
		t.Fatalf("a write past its bound: %v, want ErrBusy", err)
	}
	if busy := testutil.ToFloat64(s.metrics.busy); busy != 1 {
		t.Fatalf("presencehub_store_busy_total = %v, want 1", busy)
	}
	// A caller that gives up first gets its own context's error, not ErrBusy.
	gone, cancel := context.WithCancel(ctx)
	go func() { done <- s.CreateTenant(gone, newTenant("gone")) }()
	if err := fake.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled write: %v, want context.Canceled", err)
	}
	s.w.turn.Release(1)
	if err := s.CreateTenant(ctx, newTenant("after")); err != nil {
		t.Fatalf("after the long write ended: %v", err)
	}
}

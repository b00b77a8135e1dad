package stream

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"presencehub.dev/shared/testwait"
)

// TestLastSeenGroupsConnectsThatArriveDuringAWrite: connects that arrive while a batch is being
// written share the next transaction, and each returns only once its own device is written.
func TestLastSeenGroupsConnectsThatArriveDuringAWrite(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	var batches []map[string]time.Time
	written := func() int { mu.Lock(); defer mu.Unlock(); return len(batches) }
	l := startLastSeen(t.Context(), func(_ context.Context, seen map[string]time.Time) error {
		mu.Lock()
		batches = append(batches, maps.Clone(seen))
		n := len(batches)
		mu.Unlock()
		if n == 1 {
			<-gate // the first write takes its time
		}
		return nil
	})
	at := time.Unix(1_780_000_000, 0)
	first := make(chan error, 1)
	go func() { first <- l.record(t.Context(), "dv_0", at) }()
	testwait.For(t, "the first batch's write", func() bool { return written() == 1 })

	later := make(chan error, 5)
	for i := 1; i <= 5; i++ {
		go func() { later <- l.record(t.Context(), fmt.Sprintf("dv_%d", i), at.Add(time.Duration(i)*time.Second)) }()
	}
	testwait.For(t, "five connects in the next batch", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.next != nil && len(l.next.seen) == 5
	})
	select {
	case err := <-later:
		t.Fatalf("a connect returned (%v) before its device was written", err)
	case err := <-first:
		t.Fatalf("the first connect returned (%v) while its write was under way", err)
	default:
	}
	close(gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := <-later; err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(batches) != 2 || len(batches[0]) != 1 || len(batches[1]) != 5 {
		t.Fatalf("batches %v, want dv_0 alone, then the five together", batches)
	}
	for i := 1; i <= 5; i++ {
		if got := batches[1][fmt.Sprintf("dv_%d", i)]; !got.Equal(at.Add(time.Duration(i) * time.Second)) {
			t.Errorf("dv_%d written as seen at %v", i, got)
		}
	}
}

// TestLastSeenReportsFailuresAndStops: a failed write is reported to every connect of its batch (so
// the device cache tries again on the next connect), and once the hub stops, a connect is told at
// once instead of waiting.
func TestLastSeenReportsFailuresAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	broken := errors.New("disk full")
	l := startLastSeen(ctx, func(context.Context, map[string]time.Time) error { return broken })
	if err := l.record(t.Context(), "dv_1", time.Now()); !errors.Is(err, broken) {
		t.Fatalf("record = %v, want the write's error", err)
	}
	cancel()
	testwait.For(t, "the writer to stop", func() bool { l.mu.Lock(); defer l.mu.Unlock(); return l.stopped })
	if err := l.record(t.Context(), "dv_1", time.Now()); !errors.Is(err, errStopping) {
		t.Fatalf("record after stop = %v, want errStopping", err)
	}
}

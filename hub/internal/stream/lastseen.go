package stream

import (
	"context"
	"errors"
	"sync"
	"time"
)

// lastSeen writes devices' last-seen times with group commit: a connect hands its device to the batch
// being gathered and waits until that batch is written, and a goroutine of its own writes the batches
// one after another, each in one transaction. Alone, a connect's batch holds just its device; in a
// reconnect storm, every connect that arrived while a batch was being written shares the next one,
// so the hub commits once per batch rather than once per device (docs/PERFORMANCE.md).
type lastSeen struct {
	write func(ctx context.Context, seen map[string]time.Time) error
	wake  chan struct{} // one token: a batch is waiting

	mu      sync.Mutex
	next    *seenBatch // being gathered; nil when none is waiting
	stopped bool       // the hub is stopping: nothing more is written
}

// seenBatch is one transaction's worth of last-seen times.
type seenBatch struct {
	seen map[string]time.Time // device id → when it connected
	done chan struct{}        // closed once written; err says how
	err  error
}

var errStopping = errors.New("the hub is stopping")

func startLastSeen(ctx context.Context, write func(ctx context.Context, seen map[string]time.Time) error) *lastSeen {
	l := &lastSeen{write: write, wake: make(chan struct{}, 1)}
	go l.run(ctx)
	return l
}

// record adds the device to the next batch and waits until it is written, or ctx ends.
func (l *lastSeen) record(ctx context.Context, deviceID string, at time.Time) error {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return errStopping
	}
	b := l.next
	if b == nil {
		b = &seenBatch{seen: map[string]time.Time{}, done: make(chan struct{})}
		l.next = b
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	if at.After(b.seen[deviceID]) {
		b.seen[deviceID] = at
	}
	l.mu.Unlock()
	select {
	case <-b.done:
		return b.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run writes batches until ctx ends; a batch still waiting then fails with ctx's error.
func (l *lastSeen) run(ctx context.Context) {
	for {
		select {
		case <-l.wake:
		case <-ctx.Done():
			l.mu.Lock()
			l.stopped = true
			if b := l.next; b != nil {
				l.next = nil
				b.err = ctx.Err()
				close(b.done)
			}
			l.mu.Unlock()
			return
		}
		l.mu.Lock()
		b := l.next
		l.next = nil
		l.mu.Unlock()
		if b != nil {
			b.err = l.write(ctx, b.seen)
			close(b.done)
		}
	}
}

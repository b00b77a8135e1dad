package stream

import (
	"context"
	"runtime"
)

// workers run client requests (engine, database) on a few long-lived goroutines. A stream's reader
// then stays shallow: its stack keeps the 4 KB an idle stream needs instead of growing to the tens of
// KB a SQLite call takes, and being copied again each time the garbage collector has shrunk it
// between two requests. The warm workers keep their grown stacks.
type workers struct {
	ctx  context.Context
	jobs chan func()
}

func startWorkers(ctx context.Context) *workers {
	w := &workers{ctx: ctx, jobs: make(chan func())}
	for range max(4, 2*runtime.GOMAXPROCS(0)) {
		go w.run()
	}
	return w
}

func (w *workers) run() {
	for {
		select {
		case <-w.ctx.Done():
			return
		case job := <-w.jobs:
			job()
		}
	}
}

// do runs fn on a worker and waits for it, so one stream's requests stay in order. A panic in fn is
// raised again on the caller's goroutine, where the stream's own recovery handles it. Once the hub
// stops, fn runs on the caller.
func (w *workers) do(fn func()) {
	done := make(chan struct{})
	var panicked any
	job := func() {
		defer close(done)
		defer func() { panicked = recover() }()
		fn()
	}
	select {
	case w.jobs <- job:
		<-done
	case <-w.ctx.Done():
		job()
	}
	if panicked != nil {
		panic(panicked)
	}
}

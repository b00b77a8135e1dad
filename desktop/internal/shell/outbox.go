package shell

import (
	"log/slog"
	"sync"
	"time"

	"presencehub.dev/desktop/internal/model"
	"presencehub.dev/desktop/internal/winproto"
	"presencehub.dev/shared/logkey"
)

// outbox writes a window's messages in order on its own goroutine, so a window that reads slowly never
// holds up the controller (whose lock is held while the shell is shown a state). States queued one
// after another are coalesced: the window needs only the latest.
type outbox struct {
	conn *winproto.Conn
	log  *slog.Logger

	mu       sync.Mutex
	queue    []winproto.ToWindow
	stopped  bool
	wake     chan struct{} // one pending wake-up
	done     chan struct{} // closed by stop
	finished chan struct{} // closed when the writer returned
}

func newOutbox(conn *winproto.Conn, log *slog.Logger) *outbox {
	o := &outbox{conn: conn, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}), finished: make(chan struct{})}
	go o.run()
	return o
}

// send queues a message.
func (o *outbox) send(m winproto.ToWindow) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopped {
		return
	}
	o.queue = append(o.queue, m)
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// state queues a state, replacing a state still queued at the end.
func (o *outbox) state(st model.State) {
	o.mu.Lock()
	if n := len(o.queue); n > 0 && o.queue[n-1].State != nil && !o.stopped {
		o.queue[n-1].State = &st
		o.mu.Unlock()
		return
	}
	o.mu.Unlock()
	o.send(winproto.ToWindow{State: &st})
}

// stop ends the writer once the queue is written (or the connection failed).
func (o *outbox) stop() {
	o.mu.Lock()
	if !o.stopped {
		o.stopped = true
		close(o.done)
	}
	o.mu.Unlock()
}

// wait waits up to d for the writer to write what was queued before stop.
func (o *outbox) wait(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-o.finished:
	case <-t.C:
	}
}

func (o *outbox) run() {
	defer close(o.finished)
	for {
		select {
		case <-o.wake:
		case <-o.done:
			o.flush() // what was queued before stop, e.g. Close
			return
		}
		if !o.flush() {
			return
		}
	}
}

// flush writes the queue; false when the connection failed.
func (o *outbox) flush() bool {
	for {
		o.mu.Lock()
		q := o.queue
		o.queue = nil
		o.mu.Unlock()
		if len(q) == 0 {
			return true
		}
		for _, m := range q {
			if err := o.conn.Send(m); err != nil {
				o.log.Debug("writing to a window", slog.Any(logkey.Error, err))
				return false
			}
		}
	}
}

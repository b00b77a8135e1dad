package stream

import (
	"errors"
	"io"
	"sync"
)

// sockWriter is the one way bytes reach a connection's socket. The hub frames its own messages
// (frames.go): the connection's writer hands over each batch of queued messages in one write, one
// system call. The websocket library writes through it only its control frames (a close; a pong and
// its pings where it reads the socket itself, see rawSocket), each in one Write, which the mutex keeps
// out of the middle of a batch.
//
// A batch is first tried without waiting for the socket, on whatever goroutine queued it (tryWrite):
// at the fan-out's rates a supervisor's socket takes each event at once, so no goroutine is started for
// it. What the socket does not take at once stays pending, ahead of anything written later, until the
// connection's writer goroutine writes it (writeAll).
type sockWriter struct {
	mu      sync.Mutex
	w       io.Writer                   // the socket; its Write returns once all is written
	noWait  func(p []byte) (int, error) // writes what the socket takes now; nil where it cannot
	pending []byte                      // taken by tryWrite but not by the socket yet
	closed  bool                        // the library wrote a close frame: no frame may follow it
}

// errCloseSent is a write after the close frame: the connection is closing.
var errCloseSent = errors.New("the stream's close frame is out")

// Write is the library's, one control frame a call (its write buffer holds any control frame whole).
func (sw *sockWriter) Write(p []byte) (int, error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if err := sw.writePending(); err != nil {
		return 0, err
	}
	if len(p) > 0 && p[0]&frameOpcode == opClose {
		sw.closed = true
	}
	return sw.w.Write(p)
}

// writeAll writes what is pending, then p, waiting for the socket as long as it takes (the heartbeat
// cuts a write that stays blocked).
func (sw *sockWriter) writeAll(p []byte) error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if err := sw.writePending(); err != nil {
		return err
	}
	if len(p) == 0 {
		return nil
	}
	if sw.closed {
		return errCloseSent
	}
	_, err := sw.w.Write(p)
	return err
}

func (sw *sockWriter) writePending() error {
	if len(sw.pending) == 0 {
		return nil
	}
	if _, err := sw.w.Write(sw.pending); err != nil {
		return err
	}
	sw.pending = nil
	return nil
}

// tryWrite writes p without waiting for the socket. taken is false, and nothing was written, when it
// cannot be tried now (another write is under way, or the socket cannot be written without waiting);
// left is true when part of p is pending, for writeAll.
func (sw *sockWriter) tryWrite(p []byte) (taken, left bool, err error) {
	if len(p) == 0 {
		return true, false, nil
	}
	if sw.noWait == nil || !sw.mu.TryLock() {
		return false, false, nil
	}
	defer sw.mu.Unlock()
	if sw.closed {
		return false, false, errCloseSent
	}
	if len(sw.pending) > 0 {
		sw.pending = append(sw.pending, p...)
		return true, true, nil
	}
	n, err := sw.noWait(p)
	if err != nil {
		return false, false, err
	}
	if n < len(p) {
		sw.pending = append([]byte(nil), p[n:]...)
		return true, true, nil
	}
	return true, false, nil
}

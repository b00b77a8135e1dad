package stream

import (
	"io"
	"sync"
)

// corkWriter sits between the websocket library's write buffer and the socket. The library flushes
// after every message (and, for a message longer than the 128-byte write buffer, once more in the
// middle), so each message would cost at least one write system call. While corked, what the library
// flushes is collected instead, and uncork sends it all in one write: the writer corks around a batch
// of queued messages (an ack, the agent's own event, a vendor update, several team events), so they
// leave in one system call, as TCP_CORK would do in the kernel. The frames and their order are
// unchanged; clients see the same messages.
//
// Control frames the library writes meanwhile from other goroutines (pongs, pings, a close) join the
// corked bytes in order and leave with them: a batch is encoded from memory, so it stays corked for
// microseconds. The collecting buffer comes from a pool and goes back after each batch, so an idle
// connection holds none.
type corkWriter struct {
	mu     sync.Mutex
	w      io.Writer // the socket
	corked bool
	buf    *[]byte // collected while corked; from corkPool
}

// corkPool holds the collecting buffers; one larger than maxPooledCork is left to the collector.
var corkPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledCork = 64 << 10

func (cw *corkWriter) Write(p []byte) (int, error) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if !cw.corked {
		return cw.w.Write(p)
	}
	*cw.buf = append(*cw.buf, p...)
	return len(p), nil
}

// cork starts collecting. A nil corkWriter (a connection not upgraded through smallBuffers) does nothing.
func (cw *corkWriter) cork() {
	if cw == nil {
		return
	}
	cw.mu.Lock()
	cw.corked = true
	cw.buf = corkPool.Get().(*[]byte)
	cw.mu.Unlock()
}

// uncork writes what was collected in one write and stops collecting. Writes of other goroutines wait
// meanwhile, so nothing overtakes the collected bytes.
func (cw *corkWriter) uncork() error {
	if cw == nil {
		return nil
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	cw.corked = false
	buf := cw.buf
	cw.buf = nil
	var err error
	if len(*buf) > 0 {
		_, err = cw.w.Write(*buf)
	}
	if cap(*buf) <= maxPooledCork {
		*buf = (*buf)[:0]
		corkPool.Put(buf)
	}
	return err
}

package stream

import (
	"bufio"
	"io"
	"net"
	"syscall"
	"time"
)

// A connection's reader waits for its socket rather than inside the websocket library. The library's
// Read parks its goroutine under about 17 frames (Conn.Read, its frame reader, bufio, net, the
// poller), so every idle reader's stack had grown to 4 KB; and Read returns only for a data message,
// handling pings and pongs inside, so after the first heartbeat every reader was parked there for
// good. On a plain socket the reader instead waits for it to become readable without reading (in the
// poller, poller_linux.go, or on a goroutine of its own elsewhere), looks at what arrived, and handles
// ping and pong frames itself, below the library: a pong answers the heartbeat, a ping is answered by
// the writer. Anything else (a message, a close, a frame it cannot parse) is left to the library's Read.
// The library never sees those control frames; it keeps no state about them (it only matches pongs to
// its own Ping, which this path does not use). Over TLS, or any connection that is not a plain socket,
// the library does it all as before (rawSocket is nil).

// WebSocket frame bits (RFC 6455, section 5.2).
const (
	frameFin      = 0x80
	frameOpcode   = 0x0f
	frameMasked   = 0x80
	frameLen      = 0x7f
	opPing        = 0x9
	opPong        = 0xa
	maxCtlPayload = 125
	maxCtlFrame   = 2 + 4 + maxCtlPayload // a client's frames are masked
)

// rawSocket is what the reader needs to look below the library: the library's read buffer (bytes it
// has not consumed yet come first) and the socket (see socket_unix.go).
type rawSocket struct {
	br *bufio.Reader
	nc net.Conn
	rc syscall.RawConn
}

// usable returns s if the reader can look below the library through it, else nil.
func (s *rawSocket) usable() *rawSocket {
	if s == nil || s.rc == nil {
		return nil
	}
	return s
}

// controlFrame reports whether b starts with a whole client ping or pong frame (complete), with its
// opcode and length. complete is false when b is the beginning of one; ok is false when b starts with
// anything else.
func controlFrame(b []byte) (op byte, n int, complete, ok bool) {
	if len(b) == 0 {
		return 0, 0, false, false
	}
	op = b[0] & frameOpcode
	if b[0] != frameFin|op || (op != opPing && op != opPong) {
		return 0, 0, false, false // fragmented, reserved bits, or not a ping or pong
	}
	if len(b) < 2 {
		return op, 0, false, true
	}
	size := int(b[1] & frameLen)
	if b[1]&frameMasked == 0 || size > maxCtlPayload {
		return 0, 0, false, false // the library closes the connection for these
	}
	n = 2 + 4 + size
	return op, n, len(b) >= n, true
}

// unmask returns a whole control frame's payload, unmasked into dst.
func unmask(frame, dst []byte) []byte {
	mask, p := frame[2:6], frame[6:]
	out := dst[:len(p)]
	for i := range p {
		out[i] = p[i] ^ mask[i%4]
	}
	return out
}

// awaitMessage is the reader goroutine's loop where there is no poller (see conn.run): it handles ping
// and pong frames until the next frame is something for the library's Read. It reports false when the
// socket failed or closed (the library's Read then says so too).
func (c *conn) awaitMessage() bool {
	w := c.sock.newWaiter()
	for {
		var peeked []byte
		if !c.bufferedInput() {
			if _, err := c.sock.waitUntil(w, time.Time{}); err != nil {
				return false
			}
			peeked = w.buf[:w.n]
		}
		switch c.nextControl(peeked) {
		case frameForLibrary:
			return true
		case frameFailed:
			return false
		}
	}
}

// What nextControl found.
const (
	frameHandled    = iota // a ping or pong, taken off the stream and handled
	frameForLibrary        // anything else, left where the library reads it
	frameFailed            // the socket failed or closed
)

// nextControl looks at the next frame, from the library's buffer then the socket, without consuming
// it. A ping or pong is then taken off the stream and handled; one that has only partly arrived is
// waited for (new bytes wake the wait). peeked, if not empty, is what a wait just saw on the socket,
// so it need not be looked at again while the library's buffer is empty.
func (c *conn) nextControl(peeked []byte) int {
	var frame, payload [maxCtlFrame]byte
	c.mu.Lock() // see bufferedInput
	if c.closing {
		c.mu.Unlock()
		return frameForLibrary
	}
	have := copy(frame[:], peekBuffered(c.sock.br))
	c.mu.Unlock()
	n := have
	if have == 0 {
		n = copy(frame[:], peeked)
	}
	for {
		op, size, complete, ok := controlFrame(frame[:n])
		if !complete && (ok || n == 0) { // the library's buffer ends before the frame does
			var err error
			if n, err = c.sock.peek(frame[:], have); err != nil {
				return frameFailed
			}
			op, size, complete, ok = controlFrame(frame[:n])
		}
		switch {
		case !ok || n == 0:
			return frameForLibrary // n == 0: the end of the stream, which the library reports
		case !complete:
			if c.sock.waitMore(n-have) != nil {
				return frameFailed
			}
			continue
		}
		if !c.consume(frame[:size]) {
			return frameForLibrary // the connection is closing: the library reads the close handshake
		}
		c.control(op, unmask(frame[:size], payload[:]))
		return frameHandled
	}
}

// bufferedInput reports whether the library's buffer holds unread bytes, or the connection is closing
// (then the library's close handshake reads the buffer, and the reader leaves it to the library).
// closeWith sets closing under c.mu before the handshake starts, so the buffer is looked at under
// c.mu too.
func (c *conn) bufferedInput() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing || c.sock.br.Buffered() > 0
}

// waiter is a reader goroutine's wait for its socket that keeps what it saw there (see nextControl).
type waiter struct {
	buf   [maxCtlFrame]byte
	n     int
	probe func(fd uintptr) bool // peeks into buf; made once per waiter, so a wait allocates nothing
}

// peekBuffered returns the bytes the library's buffer holds, without consuming them.
func peekBuffered(br *bufio.Reader) []byte {
	b, _ := br.Peek(br.Buffered())
	return b
}

// consume takes a control frame that peek found off the stream: first from the library's buffer,
// then from the socket. It reports false, consuming nothing, once the connection is closing, so the
// reads of the library's close handshake and this one never interleave.
func (c *conn) consume(frame []byte) bool {
	c.mu.Lock() // closeWith sets closing under it before the library starts its handshake
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	n := min(len(frame), c.sock.br.Buffered())
	_, _ = c.sock.br.Discard(n)
	// The bytes were there a moment ago; only a closed socket loses them, and the next read reports it.
	_, _ = io.ReadFull(c.sock.nc, frame[n:])
	return true
}

// control handles a ping or a pong the reader took off the stream.
func (c *conn) control(op byte, payload []byte) {
	switch op {
	case opPong:
		c.pinging.Store(false)
	case opPing:
		c.mu.Lock()
		c.pong = append(c.pong[:0], payload...) // a pong answers the latest ping only (RFC 6455, 5.5.3)
		c.pongDue = true
		c.kick()
	}
}

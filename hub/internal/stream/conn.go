package stream

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// conn is one websocket client. Only its reader is a goroutine of its own for the whole connection:
// a writer runs while messages are queued, pings come from the server's heartbeat wheel, and a ping's
// pong is awaited only for its round trip. Everything else is allocated when first needed, so an idle
// connection costs little memory.
type conn struct {
	s      *Server
	ws     *websocket.Conn
	out    *sockWriter // the socket's one writer: the hub's frames and the library's control frames
	sock   *rawSocket  // the socket below ws, where the reader handles pings and pongs; nil: ws does
	pollID int32       // the connection's id in the poller's epoll set; 0 until it is first armed
	who    *principal
	ctx    context.Context
	cancel context.CancelFunc
	teams  []string // guarded by the registry's lock

	mu      sync.Mutex // guards the fields up to the next blank line
	queue   []outMsg   // waiting messages; nil when there are none
	writing bool       // a writer goroutine is draining queue
	holds   int        // requests whose answer is being prepared: no writer starts meanwhile (see hold)
	ready   bool       // the snapshot is out: queued messages may follow it
	closing bool       // closeWith was called: nothing more is queued or written
	pingDue bool       // the heartbeat wants a ping sent (sock only)
	pongDue bool       // the client's latest ping, pong, awaits its answer (sock only)
	pong    []byte

	unsent   *[]byte           // writer only: a batch the socket's writer was busy for (see write)
	ownSent  int64             // writer only: newest version of the agent's own presence sent
	teamSent map[viewKey]int64 // writer only: newest version sent per agent of a watched team, made on first use

	beat     beat          // place on the heartbeat wheel
	pinging  atomic.Bool   // a ping is waiting for its pong
	writeSeq atomic.Uint64 // incremented as each write starts and ends: odd while one is in progress
	stuckSeq uint64        // heartbeat only: the writeSeq of a write in progress at the previous beat
}

func newConn(s *Server, ws *websocket.Conn, who *principal, sb smallBuffers) *conn {
	// Not derived from the server's context: on shutdown the heartbeat wheel sends the client a proper
	// "going away" close frame instead of cutting its requests off.
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{s: s, ws: ws, out: sb.out, sock: sb.in.usable(), who: who, ctx: ctx, cancel: cancel}
	c.beat.m = c
	if !s.beats.add(&c.beat) { // the hub is stopping
		c.shutdown()
	}
	return c
}

// start registers the connection and sends its snapshot. It reports whether the connection is up;
// if so, serve must run next, otherwise the connection is already released.
func (c *conn) start() bool {
	c.ws.SetReadLimit(64 << 10)
	c.s.reg.register(c) // before the snapshot, so no change falls between the two
	// The snapshot's reads get a context of their own: the store derives contexts from the one it is
	// given, which would leave the connection's context holding their bookkeeping for its lifetime.
	// A close meanwhile still sends its frame; the snapshot's write then fails.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !c.s.stillValid(ctx, c.who) {
		c.ws.Close(StatusSignInRequired, "this device was signed out: pair it again")
		c.end()
		return false
	}
	snap, err := c.snapshot(ctx)
	if err != nil {
		c.s.log.Warn("building snapshot", slog.String(logkey.TenantID, c.who.tenantID), slog.Any(logkey.Error, err))
		c.ws.Close(websocket.StatusInternalError, "could not build a snapshot")
		c.end()
		return false
	}
	c.ownSent = snap.GetPresence().GetVersion()
	data, err := encodeServerMessage(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: snap}})
	if err == nil {
		err = c.send(appendFrame(make([]byte, 0, len(data)+10), opText, data))
	}
	if err != nil {
		c.end()
		return false
	}
	if now := time.Now().UTC(); c.who.deviceID != "" && c.s.devices.touchDue(c.who.tokenHash, now) {
		if c.s.seen.record(ctx, c.who.deviceID, now) == nil {
			c.s.devices.touched(c.who.tokenHash, now)
		}
	}
	c.startWriting()
	return true
}

// run reads the client's requests once start is done, so the HTTP handler that upgraded the
// connection returns and net/http frees what it held. On a plain socket under Linux the poller waits
// for them, and the connection has no goroutine while it is idle (see readReady); otherwise a reader
// goroutine of its own does (serve).
func (c *conn) run() {
	if c.sock != nil && c.s.poll != nil && c.s.poll.arm(c) == nil {
		return
	}
	go c.serve()
}

// serve reads requests until the connection ends, then releases it.
func (c *conn) serve() {
	defer c.end()
	defer c.recovered()
	c.reader()
}

// readReady runs on a goroutine of its own each time the poller finds the socket readable: it
// handles what arrived and whatever the library's buffer still holds. After a message it stays, waiting
// on Go's own poller as a reader goroutine would, until the client has sent nothing for idleAfter: a
// client that keeps sending (a device changing status every few seconds) costs no handover per
// message. Then it arms the socket again (bytes that arrived meanwhile make it readable at once) and
// ends, or releases the connection once it has ended.
func (c *conn) readReady() {
	defer c.recovered()
	var quietSince time.Time // when the latest message was read; zero: none this time
	var w *waiter            // made with the first message
	var peeked []byte
	for {
		switch c.nextControl(peeked) {
		case frameFailed:
			c.end()
			return
		case frameForLibrary:
			if !c.readMessage() {
				c.end()
				return
			}
			quietSince = time.Now()
		}
		peeked = nil
		if c.bufferedInput() {
			continue
		}
		if !quietSince.IsZero() {
			if w == nil {
				w = c.sock.newWaiter()
			}
			readable, err := c.sock.waitUntil(w, quietSince.Add(c.s.idleAfter))
			if err != nil {
				c.end()
				return
			}
			if readable {
				peeked = w.buf[:w.n]
				continue
			}
		}
		if c.s.poll.arm(c) != nil {
			c.end()
		}
		return
	}
}

// recovered logs a panic of the connection's reader and ends the connection; deferred.
func (c *conn) recovered() {
	if r := recover(); r != nil {
		c.s.log.Error("stream failed", slog.String(logkey.TenantID, c.who.tenantID), slog.String(logkey.Component, c.who.name),
			slog.Any(logkey.Error, fmt.Errorf("panic: %v", r)), slog.String("stack", string(debug.Stack())))
		c.end()
	}
}

// end releases the connection. It may run more than once: every way a connection ends calls it.
func (c *conn) end() {
	c.s.beats.remove(&c.beat)
	c.s.reg.unregister(c)
	if c.s.poll != nil {
		c.s.poll.forget(c)
	}
	c.ws.CloseNow()
	c.cancel()
}

// closeWith sends a close frame with code and reason, then ends the connection.
func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	first := !c.closing
	c.closing = true
	c.queue = nil
	c.mu.Unlock()
	if first {
		go func() {
			_ = c.ws.Close(code, reason)
			c.end() // with the poller no reader sees the socket close, so the close releases it
		}()
	}
}

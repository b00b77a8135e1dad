package stream

import (
	"fmt"
	"log/slog"

	"github.com/coder/websocket"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// outMsg is one queued message: a pre-encoded presence event, or any other server message.
type outMsg struct {
	event   []byte // a ServerMessage carrying one PresenceEvent, from encodeEvent
	frame   []byte // event as a frame (encodeEventFrame), shared by every connection it goes to; nil: framed when written
	team    string // the team view the event updates; "" for the agent's own presence
	agent   string
	version int64
	msg     *phv1.ServerMessage
}

// enqueue queues m without blocking, and writes it if no writer is at work; a full queue means the
// client is too slow, and it is cut off. An idle connection holds neither a queue nor a writer.
func (c *conn) enqueue(m outMsg) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= c.s.opts.QueueSize {
		c.mu.Unlock()
		c.s.log.Info("closing slow stream", slog.String(logkey.TenantID, c.who.tenantID), slog.String(logkey.Component, c.who.name))
		c.closeWith(websocket.StatusPolicyViolation, "too slow: reconnect for a fresh snapshot")
		return
	}
	start := c.ready && !c.writing && c.holds == 0
	c.writing = c.writing || start
	if start && len(c.queue) == 0 && !c.pingDue && !c.pongDue && c.out.noWait != nil {
		c.mu.Unlock()
		c.writeNow([]outMsg{m}, nil) // an idle connection: the message need not be queued
		return
	}
	c.queue = append(c.queue, m)
	c.mu.Unlock()
	if start {
		c.write()
	}
}

// hold keeps the writer from starting while a request is handled, so what the request queues (the
// agent's own event, published while the change is applied, then the ack) leaves in one write
// instead of the event alone and the ack after it. release ends the hold, writing what is waiting.
func (c *conn) hold() {
	c.mu.Lock()
	c.holds++
	c.mu.Unlock()
}

func (c *conn) release() {
	c.mu.Lock()
	c.holds--
	c.kick()
}

// startWriting lets queued messages follow the snapshot.
func (c *conn) startWriting() {
	c.mu.Lock()
	c.ready = true
	c.kick()
}

// kick writes if messages may go out and no writer is at work. It is called with c.mu held, and
// unlocks it.
func (c *conn) kick() {
	start := c.ready && (len(c.queue) > 0 || c.pingDue || c.pongDue) && !c.writing && !c.closing && c.holds == 0
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		c.write()
	}
}

// write is the writer's work done on the goroutine that queued the message, as long as the socket
// takes the batch without waiting: at the fan-out's rates a supervisor's socket always does, so an
// event costs one system call on the publisher's goroutine and no goroutine of its own. When the
// socket would make it wait, or another write holds it, a writer goroutine takes over. The caller has
// taken the writer's role (c.writing).
func (c *conn) write() {
	if c.out.noWait == nil {
		go c.writer()
		return
	}
	if batch, ctl, done := c.next(nil, nil); !done {
		c.writeNow(batch, ctl)
	}
}

// writeNow writes ctl and batch, taken by the caller as the writer, without waiting for the socket,
// and hands what is left over to a writer goroutine.
func (c *conn) writeNow(batch []outMsg, ctl []byte) {
	buf, err := c.encodeBatch(ctl, batch)
	if err != nil {
		c.writeFailed()
		return
	}
	taken, left, err := c.out.tryWrite(*buf)
	if err != nil {
		recycleFrame(buf)
		c.writeFailed()
		return
	}
	if taken {
		recycleFrame(buf)
	} else {
		c.unsent = buf // the writer writes it first
	}
	c.mu.Lock()
	more := !taken || left || ((len(c.queue) > 0 || c.pingDue || c.pongDue) && !c.closing)
	c.writing = more
	if !more {
		c.queue = nil
	}
	c.mu.Unlock()
	if more {
		go c.writer()
	}
}

// writer writes what is queued, batch by batch, waiting for the socket as long as it takes, and ends
// once the queue is empty. It first writes what an earlier write left (unsent, or pending in c.out).
func (c *conn) writer() {
	unsent := c.unsent
	c.unsent = nil
	if err := c.sendBatch(unsent); err != nil {
		c.writeFailed()
		return
	}
	var batch []outMsg
	var ctl []byte
	for {
		var done bool
		if batch, ctl, done = c.next(batch, ctl[:0]); done {
			return
		}
		buf, err := c.encodeBatch(ctl, batch)
		if err == nil {
			err = c.sendBatch(buf)
		}
		clear(batch) // drop the references while the slice waits for reuse
		if err != nil {
			c.writeFailed()
			return
		}
	}
}

// sendBatch writes what is pending in c.out, then buf (if not nil, from encodeBatch, which it recycles).
func (c *conn) sendBatch(buf *[]byte) error {
	if buf == nil {
		return c.send(nil)
	}
	defer recycleFrame(buf)
	return c.send(*buf)
}

// next takes what the writer is to write: the queued messages (the queue becomes batch's storage, for
// reuse) and the control frames due. done is true, and the writer's role is given up, when there is
// nothing to write or the connection is closing.
func (c *conn) next(batch []outMsg, ctl []byte) ([]outMsg, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if (len(c.queue) == 0 && !c.pingDue && !c.pongDue) || c.closing {
		c.queue, c.writing = nil, false
		return nil, ctl, true
	}
	batch, c.queue = c.queue, batch[:0]
	return batch, c.takeControl(ctl), false
}

// writeFailed closes a connection whose socket failed under a write, and gives up the writer's role.
func (c *conn) writeFailed() {
	c.closeWith(websocket.StatusGoingAway, "write failed")
	c.mu.Lock()
	c.queue, c.writing = nil, false
	c.mu.Unlock()
}

// send writes b (after anything pending) with one system call, waiting for the socket. It counts
// writes in and out (writeSeq) for the heartbeat, which closes the socket under a write that stays
// blocked (see heartbeat): a timer per write cost more than the rest of a delivery besides the system
// call.
func (c *conn) send(b []byte) error {
	c.writeSeq.Add(1)
	defer c.writeSeq.Add(1)
	if err := c.out.writeAll(b); err != nil {
		return fmt.Errorf("writing to the stream: %w", err)
	}
	return nil
}

// takeControl appends the ping and pong frames due, if any, to b. It is called with c.mu held.
func (c *conn) takeControl(b []byte) []byte {
	if c.pongDue {
		b = appendFrame(b, opPong, c.pong)
		c.pongDue = false
	}
	if c.pingDue {
		b = appendFrame(b, opPing, nil)
		c.pingDue = false
	}
	return b
}

// reply queues an answer to a request.
func (c *conn) reply(m *phv1.ServerMessage) { c.enqueue(outMsg{msg: m}) }

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
	team    string // the team view the event updates; "" for the agent's own presence
	agent   string
	version int64
	msg     *phv1.ServerMessage
}

// enqueue queues m without blocking, and starts a writer if none is running; a full queue means the
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
	c.queue = append(c.queue, m)
	start := c.ready && !c.writing && c.holds == 0
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.writer()
	}
}

// hold keeps a writer from starting while a request is handled, so what the request queues (the
// agent's own event, published while the change is applied, then the ack) leaves in one write
// instead of the event alone and the ack after it. release ends the hold, starting a writer if
// messages are waiting.
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

// kick starts a writer if messages may go out and none is running. It is called with c.mu held, and
// unlocks it.
func (c *conn) kick() {
	start := c.ready && (len(c.queue) > 0 || c.pingDue || c.pongDue) && !c.writing && !c.closing && c.holds == 0
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.writer()
	}
}

// writer writes what is queued, batch by batch, and ends once the queue is empty.
func (c *conn) writer() {
	var batch []outMsg
	var ctl []byte
	for {
		c.mu.Lock()
		if (len(c.queue) == 0 && !c.pingDue && !c.pongDue) || c.closing {
			c.queue, c.writing = nil, false
			c.mu.Unlock()
			return
		}
		batch, c.queue = c.queue, batch[:0]
		ctl = c.takeControl(ctl[:0])
		c.mu.Unlock()
		err := c.flushCorked(ctl, batch)
		clear(batch) // drop the references while the slice waits for reuse
		if err != nil {
			c.closeWith(websocket.StatusGoingAway, "write failed")
			c.mu.Lock()
			c.queue, c.writing = nil, false
			c.mu.Unlock()
			return
		}
	}
}

// takeControl appends the ping and pong frames due, if any, to b. It is called with c.mu held.
func (c *conn) takeControl(b []byte) []byte {
	if c.pongDue {
		b = appendControl(b, opPong, c.pong)
		c.pongDue = false
	}
	if c.pingDue {
		b = appendControl(b, opPing, nil)
		c.pingDue = false
	}
	return b
}

// flushCorked writes control frames, then a batch, with one write system call (see corkWriter). The
// control frames go below the websocket library, between its messages: only this goroutine writes
// messages, and the library writes each control frame of its own (a close) in one piece.
func (c *conn) flushCorked(ctl []byte, batch []outMsg) error {
	c.out.cork()
	var err error
	if len(ctl) > 0 {
		_, err = c.out.Write(ctl)
	}
	if err == nil {
		err = c.flush(batch)
	}
	c.writeSeq.Add(1) // the socket write, which may block, is here
	defer c.writeSeq.Add(1)
	if uerr := c.out.uncork(); err == nil && uerr != nil {
		err = fmt.Errorf("writing to the stream: %w", uerr)
	}
	return err
}

// flush writes queued messages in order; consecutive events go out as one batch frame.
func (c *conn) flush(batch []outMsg) error {
	var events [][]byte
	sendEvents := func() error {
		defer func() { events = events[:0] }()
		switch len(events) {
		case 0:
			return nil
		case 1:
			return c.writeRaw(events[0])
		}
		buf := append(make([]byte, 0, 512*len(events)), `{"batch":{"events":[`...)
		for i, e := range events {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, eventBody(e)...)
		}
		return c.writeRaw(append(buf, `]}}`...))
	}
	for _, m := range batch {
		if m.msg != nil {
			if err := sendEvents(); err != nil {
				return err
			}
			if ts := m.msg.GetTeamSnapshot(); ts != nil {
				for _, p := range ts.GetPresences() {
					c.markSent(ts.GetTeamId(), p.GetAgentId(), p.GetVersion())
				}
			}
			if err := c.write(m.msg); err != nil {
				return err
			}
			continue
		}
		if m.version <= c.lastSent(m.team, m.agent) {
			continue // already covered by the snapshot or a newer event
		}
		c.markSent(m.team, m.agent, m.version)
		events = append(events, m.event)
	}
	return sendEvents()
}

// viewKey names an agent in a team view.
type viewKey struct{ team, agent string }

// lastSent is the newest version of an agent sent in a view: its own ("" team) or a team's.
func (c *conn) lastSent(team, agent string) int64 {
	if team == "" {
		return c.ownSent
	}
	return c.teamSent[viewKey{team, agent}]
}

func (c *conn) markSent(team, agent string, version int64) {
	if team == "" {
		c.ownSent = version
		return
	}
	if c.teamSent == nil {
		c.teamSent = map[viewKey]int64{}
	}
	c.teamSent[viewKey{team, agent}] = version
}

// reply queues an answer to a request.
func (c *conn) reply(m *phv1.ServerMessage) { c.enqueue(outMsg{msg: m}) }

package stream

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
	"presencehub.dev/shared/logkey"
)

// outMsg is one queued message: a pre-encoded presence event, or any other server message.
type outMsg struct {
	event   []byte // protojson of a PresenceEvent
	view    string // "<team>/<agent>": the snapshot or team view the event updates
	version int64
	msg     *phv1.ServerMessage
}

// conn is one websocket client. One goroutine reads (requests, and pongs for the heartbeat), one
// writes from a bounded queue, one pings.
type conn struct {
	s         *Server
	ws        *websocket.Conn
	who       *principal
	out       chan outMsg
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
	teams     []string         // guarded by the registry's lock
	seen      map[string]int64 // writer only: newest version sent per view
}

func newConn(s *Server, ws *websocket.Conn, who *principal) *conn {
	// Not derived from the server's context: cancelling a read drops the socket, and on shutdown the
	// client should get a proper "going away" close frame instead.
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{s: s, ws: ws, who: who, out: make(chan outMsg, s.opts.QueueSize), ctx: ctx, cancel: cancel, seen: map[string]int64{}}
	stop := context.AfterFunc(s.ctx, func() { c.closeWith(websocket.StatusGoingAway, "the hub is restarting: reconnect") })
	context.AfterFunc(ctx, func() { stop() })
	return c
}

// run serves the connection until it ends.
func (c *conn) run() {
	defer c.cancel()
	defer c.ws.CloseNow()
	c.ws.SetReadLimit(64 << 10)
	c.s.reg.register(c) // before the snapshot, so no change falls between the two
	defer c.s.reg.unregister(c)
	snap, err := c.snapshot(c.ctx)
	if err != nil {
		c.s.log.Warn("building snapshot", slog.String(logkey.TenantID, c.who.tenantID), slog.Any(logkey.Error, err))
		c.ws.Close(websocket.StatusInternalError, "could not build a snapshot")
		return
	}
	if p := snap.GetPresence(); p != nil {
		c.seen["/"+p.GetAgentId()] = p.GetVersion()
	}
	if err := c.write(&phv1.ServerMessage{Kind: &phv1.ServerMessage_Snapshot{Snapshot: snap}}); err != nil {
		return
	}
	if c.who.deviceID != "" {
		_ = c.s.st.TouchDevice(c.ctx, c.who.deviceID, time.Now().UTC())
	}
	go c.heartbeat()
	go c.writer()
	c.reader()
}

// enqueue queues m without blocking; a full queue means the client is too slow, and it is cut off.
func (c *conn) enqueue(m outMsg) {
	select {
	case c.out <- m:
	default:
		c.s.log.Info("closing slow stream", slog.String(logkey.TenantID, c.who.tenantID), slog.String(logkey.Component, c.who.name))
		c.closeWith(websocket.StatusPolicyViolation, "too slow: reconnect for a fresh snapshot")
	}
}

// closeWith sends a close frame with code and reason, then ends the connection.
func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		go func() {
			_ = c.ws.Close(code, reason)
			c.cancel()
		}()
	})
}

func (c *conn) writer() {
	batch := make([]outMsg, 0, 64)
	for {
		select {
		case <-c.ctx.Done():
			return
		case m := <-c.out:
			batch = append(batch[:0], m)
		drain:
			for len(batch) < cap(batch) {
				select {
				case m := <-c.out:
					batch = append(batch, m)
				default:
					break drain
				}
			}
			if err := c.flush(batch); err != nil {
				c.closeWith(websocket.StatusGoingAway, "write failed")
				return
			}
		}
	}
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
			return c.writeRaw(append(append([]byte(`{"event":`), events[0]...), '}'))
		}
		buf := bytes.NewBufferString(`{"batch":{"events":[`)
		buf.Write(bytes.Join(events, []byte{','}))
		buf.WriteString(`]}}`)
		return c.writeRaw(buf.Bytes())
	}
	for _, m := range batch {
		if m.msg != nil {
			if err := sendEvents(); err != nil {
				return err
			}
			if ts := m.msg.GetTeamSnapshot(); ts != nil {
				for _, p := range ts.GetPresences() {
					c.seen[ts.GetTeamId()+"/"+p.GetAgentId()] = p.GetVersion()
				}
			}
			if err := c.write(m.msg); err != nil {
				return err
			}
			continue
		}
		if m.version <= c.seen[m.view] {
			continue // already covered by the snapshot or a newer event
		}
		c.seen[m.view] = m.version
		events = append(events, m.event)
	}
	return sendEvents()
}

func (c *conn) write(m *phv1.ServerMessage) error {
	data, err := protojson.Marshal(m)
	if err != nil {
		return err
	}
	return c.writeRaw(data)
}

func (c *conn) writeRaw(data []byte) error {
	ctx, cancel := context.WithTimeout(c.ctx, c.s.opts.WriteTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, data)
}

// reply queues an answer to a request.
func (c *conn) reply(m *phv1.ServerMessage) { c.enqueue(outMsg{msg: m}) }

func (c *conn) heartbeat() {
	t := c.s.opts.Clock.NewTicker(c.s.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C():
			ctx, cancel := context.WithTimeout(c.ctx, c.s.opts.Heartbeat)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil {
				c.closeWith(websocket.StatusGoingAway, "heartbeat not answered")
				return
			}
		}
	}
}

package genesysemu

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/coder/websocket"
)

// sessionQueue bounds the messages waiting for a slow websocket reader (more closes it).
const sessionQueue = 4096

// session is one open websocket of a channel.
type session struct {
	conn   *websocket.Conn
	out    chan []byte // the channel's queue
	ctx    context.Context
	cancel context.CancelFunc
	bye    chan string // the writer sends what is queued, then closes with this reason
	muted  atomic.Bool // sends nothing (a half-dead connection)
}

// message renders a notification.
func message(topic string, body map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"topicName": topic, "version": "2", "eventBody": body,
		"metadata": map[string]any{"CorrelationId": newID()}})
	return b
}

// close ends the session with a normal closure, at once.
func (s *session) close(why string) {
	_ = s.conn.Close(websocket.StatusNormalClosure, why)
	s.cancel()
}

// closeAfterQueue ends the session once what is queued (a closing notice) is sent.
func (s *session) closeAfterQueue(why string) {
	select {
	case s.bye <- why:
	default:
	}
}

// isSocket reports whether r is for the streaming host: GET /channels/{id}.
func isSocket(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/channels/")
}

// serveSocket serves a channel's websocket: heartbeats every HeartbeatEvery, the channel's events, a
// pong for each {"message":"ping"}. A second connection to the channel closes the first.
func (e *Emulator) serveSocket(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/channels/")
	e.mu.Lock()
	ch, down := e.channels[id], e.down
	e.mu.Unlock()
	if down {
		apiError(w, http.StatusServiceUnavailable, "service.unavailable", "The service is currently unavailable")
		return
	}
	if ch == nil {
		apiError(w, http.StatusNotFound, "not.found", "Channel not found: "+id)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{conn: conn, out: ch.out, ctx: ctx, cancel: cancel, bye: make(chan string, 1)}
	e.mu.Lock()
	old := ch.sess
	if e.channels[id] != ch {
		e.mu.Unlock()
		_ = conn.Close(websocket.StatusGoingAway, "the channel is gone")
		cancel()
		return
	}
	ch.sess = s
	e.mu.Unlock()
	if old != nil {
		old.close("another connection to this channel replaced this one")
	}
	go e.write(s)
	defer func() {
		e.mu.Lock()
		if ch.sess == s {
			ch.sess = nil
		}
		e.mu.Unlock()
		s.cancel()
		_ = conn.CloseNow()
	}()
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var in struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &in) == nil && in.Message == "ping" {
			e.pings.Add(1)
			e.mu.Lock()
			ch.enqueue(message("channel.metadata", map[string]any{"message": "pong"}))
			e.mu.Unlock()
		}
	}
}

// write sends a session's queue and its heartbeats until it ends.
func (e *Emulator) write(s *session) {
	hb := e.clock.NewTicker(e.opts.HeartbeatEvery)
	defer hb.Stop()
	heartbeat := message("channel.metadata", map[string]any{"message": "WebSocket Heartbeat"})
	for {
		var msg []byte
		select {
		case <-s.ctx.Done():
			return
		case msg = <-s.out:
		case <-hb.Chan():
			msg = heartbeat
		case why := <-s.bye:
			e.flush(s)
			s.close(why)
			return
		}
		if s.muted.Load() {
			continue
		}
		if err := s.conn.Write(s.ctx, websocket.MessageText, msg); err != nil {
			s.cancel()
			return
		}
	}
}

// Pings is how many pings the channels' websockets received.
func (e *Emulator) Pings() int64 { return e.pings.Load() }

// MuteSockets makes every open websocket silent (no heartbeats, events or pongs) while it stays open,
// as a connection that died without closing; later connections are not muted.
func (e *Emulator) MuteSockets() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ch := range e.channels {
		if ch.sess != nil {
			ch.sess.muted.Store(true)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// flush sends what is queued, without waiting for more.
func (e *Emulator) flush(s *session) {
	for {
		select {
		case msg := <-s.out:
			if err := s.conn.Write(s.ctx, websocket.MessageText, msg); err != nil {
				return
			}
		default:
			return
		}
	}
}

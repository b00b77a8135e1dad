package streamclient

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protojson"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

const (
	// subprotocol is the websocket subprotocol the hub requires.
	subprotocol = "presencehub.v1"
	// readLimit bounds one message; a big team's TeamSnapshot is far beyond coder/websocket's 32 KiB.
	readLimit = 16 << 20
)

var unmarshalOptions = protojson.UnmarshalOptions{DiscardUnknown: true}

// session is one websocket connection.
type session struct {
	ws *websocket.Conn
	// wakeCh tells the writer that requests are queued.
	wakeCh chan struct{}
	// heard is when the hub was last heard from (a message, a ping or a pong), in Unix nanoseconds.
	heard atomic.Int64
}

func (s *session) wake() {
	select {
	case s.wakeCh <- struct{}{}:
	default:
	}
}

func (s *session) touch() { s.heard.Store(time.Now().UnixNano()) }

// session dials the hub, waits for its snapshot and then serves the connection until it ends, and
// returns how long it was up (from the snapshot) and why it ended.
func (c *Client) session(ctx context.Context, u string) (time.Duration, error) {
	s := &session{wakeCh: make(chan struct{}, 1)}
	ws, err := c.dial(ctx, u, s)
	if err != nil {
		return 0, err
	}
	snap, err := c.readSnapshot(ctx, ws)
	if err != nil {
		ws.CloseNow()
		return 0, err
	}
	up := time.Now()
	s.ws = ws
	s.touch()
	c.connected(s, snap)

	// The connection's goroutines do not stop with ctx directly: when ctx ends the connection is first
	// closed properly, which needs the reader.
	sctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	var wg sync.WaitGroup
	wg.Go(func() { cancel(c.readLoop(sctx, s)) })
	wg.Go(func() { cancel(c.writeLoop(sctx, s)) })
	wg.Go(func() { cancel(c.keepAlive(sctx, s)) })
	select {
	case <-ctx.Done():
		_ = ws.Close(websocket.StatusNormalClosure, "client stopping")
		cancel(ctx.Err())
	case <-sctx.Done():
	}
	err = context.Cause(sctx)
	ws.CloseNow()
	wg.Wait()

	c.disconnected(ctx, err)
	return time.Since(up), err
}

// dial opens the websocket. A refused upgrade is reported as a *handshakeError.
func (c *Client) dial(ctx context.Context, u string, s *session) (*websocket.Conn, error) {
	header := c.opts.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if c.opts.Token != "" {
		header.Set("Authorization", "Bearer "+c.opts.Token)
	}
	dctx, cancel := context.WithTimeout(ctx, c.handshakeTimeout)
	defer cancel()
	ws, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{
		HTTPClient:   c.opts.HTTPClient,
		HTTPHeader:   header,
		Subprotocols: []string{subprotocol},
		OnPingReceived: func(context.Context, []byte) bool {
			s.touch()
			return true
		},
		OnPongReceived: func(context.Context, []byte) { s.touch() },
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			err = &handshakeError{status: resp.StatusCode, err: err}
		}
		return nil, fmt.Errorf("dialing hub: %w", err)
	}
	if ws.Subprotocol() != subprotocol {
		_ = ws.Close(websocket.StatusProtocolError, "subprotocol "+subprotocol+" required")
		return nil, fmt.Errorf("dialing hub: hub did not accept subprotocol %s", subprotocol)
	}
	ws.SetReadLimit(readLimit)
	return ws, nil
}

// readSnapshot reads the first message, which must be a Snapshot.
func (c *Client) readSnapshot(ctx context.Context, ws *websocket.Conn) (*phv1.Snapshot, error) {
	rctx, cancel := context.WithTimeout(ctx, c.handshakeTimeout)
	defer cancel()
	msg, err := readMessage(rctx, ws)
	if err != nil {
		return nil, fmt.Errorf("waiting for snapshot: %w", err)
	}
	snap := msg.GetSnapshot()
	if snap == nil {
		return nil, fmt.Errorf("waiting for snapshot: hub sent %T first", msg.GetKind())
	}
	return snap, nil
}

// readLoop reads until the connection ends. There is always a Read in progress, which is what answers
// the hub's pings.
func (c *Client) readLoop(ctx context.Context, s *session) error {
	for {
		msg, err := readMessage(ctx, s.ws)
		if err != nil {
			return err
		}
		s.touch()
		c.handle(msg)
	}
}

func readMessage(ctx context.Context, ws *websocket.Conn) (*phv1.ServerMessage, error) {
	_, data, err := ws.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading from hub: %w", err)
	}
	msg := &phv1.ServerMessage{}
	if err := unmarshalOptions.Unmarshal(data, msg); err != nil {
		return nil, fmt.Errorf("decoding hub message: %w", err)
	}
	return msg, nil
}

// writeLoop writes queued requests, in order, whenever woken.
func (c *Client) writeLoop(ctx context.Context, s *session) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wakeCh:
		}
		for {
			r, msg := c.next(s)
			if msg == nil {
				break
			}
			data, err := protojson.Marshal(msg)
			if err != nil {
				return fmt.Errorf("encoding request: %w", err)
			}
			wctx, cancel := context.WithTimeout(ctx, c.writeTimeout)
			err = s.ws.Write(wctx, websocket.MessageText, data)
			cancel()
			if err != nil {
				return fmt.Errorf("writing request %s: %w", r.id, err)
			}
		}
	}
}

// keepAlive pings the hub whenever it has been silent for a ping interval, so that a connection that
// died without a word (a laptop waking from sleep, a NAT forgetting it) is noticed and replaced.
func (c *Client) keepAlive(ctx context.Context, s *session) error {
	t := time.NewTicker(c.pingInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if time.Since(time.Unix(0, s.heard.Load())) < c.pingInterval {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, c.pingInterval)
		err := s.ws.Ping(pctx)
		cancel()
		if err != nil {
			return fmt.Errorf("pinging hub: %w", err)
		}
	}
}
